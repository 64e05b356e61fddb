// The screens. Each view module exports `load(ctx)` (async data), `view(data, ctx)` (html) and
// optionally `actions` ({name: async (element, ctx) => …} for elements with data-action=name)
// and `mounted(screenElement, data, ctx)`, called after each draw (to wire custom elements).
// `tab` puts a screen in the bottom bar; `roles` limits who sees it.
export const ROUTES = [
  { path: '/', tab: 'today', icon: '☰', load: () => import('./views/home.js') },
  { path: '/scan', tab: 'scan', icon: '▣', load: () => import('./views/scan.js') },
  { path: '/settings', tab: 'settings', icon: '⚙', load: () => import('./views/settings.js') },
  { path: '/assets/:id', load: () => import('./views/asset.js') },
  { path: '/t/:code', load: () => import('./views/tag.js') },
];
