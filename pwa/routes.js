// The screens. Each view module exports `load(ctx)` (async data), `view(data, ctx)` (html) and
// optionally `actions` ({name: async (element, ctx) => …} for elements with data-action=name).
// `tab` puts a screen in the bottom bar; `roles` limits who sees it.
export const ROUTES = [
  { path: '/', tab: 'today', icon: '☰', load: () => import('./views/home.js') },
];
