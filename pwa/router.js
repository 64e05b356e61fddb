// Hash routes (`#/work-orders/:id`): they work offline from the precached shell and from
// tag links (`/t/{code}` redirects to `/#/t/{code}`).
export function compile(pattern) {
  const keys = [];
  const source = pattern.replace(/:(\w+)/g, (_, key) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), keys };
}

export function resolve(path, routes) {
  for (const route of routes) {
    route.compiled ??= compile(route.path);
    const match = route.compiled.regex.exec(path);
    if (match) {
      const params = Object.fromEntries(route.compiled.keys.map((k, i) => [k, decodeURIComponent(match[i + 1])]));
      return { route, params };
    }
  }
  return null;
}

export function currentPath() {
  const hash = location.hash.replace(/^#/, '') || '/';
  return hash.split('?')[0];
}

export function currentQuery() {
  return new URLSearchParams(location.hash.split('?')[1] || '');
}

export function go(path) {
  location.hash = `#${path}`;
}
