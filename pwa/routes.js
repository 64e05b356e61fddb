// The screens. Each view module exports `load(ctx)` (async data), `view(data, ctx)` (html) and
// optionally `actions` ({name: async (element, ctx) => …} for elements with data-action=name)
// and `mounted(screenElement, data, ctx)`, called after each draw (to wire custom elements).
// `tab` puts a screen in the bottom bar; `roles` limits who sees it.
export const ROUTES = [
  { path: '/', tab: 'today', icon: '☰', load: () => import('./views/home.js') },
  { path: '/scan', tab: 'scan', icon: '▣', load: () => import('./views/scan.js') },
  // Dispatcher console (wide layout ≥ 1024 px, pwa/console.css); `new` before `:id`.
  { path: '/console', tab: 'console', icon: '▦', roles: ['admin', 'dispatcher'], load: () => import('./views/console-board.js') },
  { path: '/console/tickets/new', roles: ['admin', 'dispatcher'], load: () => import('./views/console-ticket-new.js') },
  { path: '/console/tickets/:id', roles: ['admin', 'dispatcher'], load: () => import('./views/console-ticket.js') },
  { path: '/console/conflicts', roles: ['admin', 'dispatcher'], load: () => import('./views/console-conflicts.js') },
  { path: '/console/assets', roles: ['admin', 'dispatcher'], load: () => import('./views/console-assets.js') },
  { path: '/console/plans', roles: ['admin', 'dispatcher'], load: () => import('./views/console-plans.js') },
  { path: '/console/users', roles: ['admin'], load: () => import('./views/console-users.js') },
  { path: '/console/sites', roles: ['admin'], load: () => import('./views/console-sites.js') },
  { path: '/settings', tab: 'settings', icon: '⚙', load: () => import('./views/settings.js') },
  { path: '/assets/:id', load: () => import('./views/asset.js') },
  { path: '/t/:code', load: () => import('./views/tag.js') },
  // The technician's day (H5): an inspection run (`new` before `:id`) and the conflicts screen.
  { path: '/inspections/new', roles: ['admin', 'dispatcher', 'technician'], load: () => import('./views/inspection-new.js') },
  { path: '/inspections/:id', load: () => import('./views/inspection.js') },
  { path: '/conflicts', load: () => import('./views/conflicts.js') },
  // The work order (H4): the technician's repair screen and the client's signing view.
  { path: '/work-orders/:id', load: () => import('./views/work-order.js') },
  { path: '/work-orders/:id/sign', load: () => import('./views/sign.js') },
  // A paper report's QR code: works signed out (`public`, see app.js) for the client's auditor.
  { path: '/verify/:hash', public: true, load: () => import('./views/verify.js') },
];
