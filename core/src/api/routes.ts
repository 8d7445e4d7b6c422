/** The API's routes and the methods each answers; everything else is the static site. */

export const ROUTES = {
  classify: '/classify',
  model: '/model',
  healthz: '/healthz',
  openapi: '/openapi.json',
} as const;

export type ApiPath = (typeof ROUTES)[keyof typeof ROUTES];

/** Every API path, in the order of ROUTES (the dev server proxies these to the worker). */
export const API_PATHS: readonly ApiPath[] = Object.values(ROUTES);

/** The `Allow` header of each path: its method first (named in a 405), then the others it answers. */
export const ALLOWED_METHODS: Readonly<Record<ApiPath, string>> = {
  '/classify': 'POST, OPTIONS',
  '/model': 'GET, HEAD, OPTIONS',
  '/healthz': 'GET, HEAD, OPTIONS',
  '/openapi.json': 'GET, HEAD, OPTIONS',
};

export function isApiPath(path: string): path is ApiPath {
  return (API_PATHS as readonly string[]).includes(path);
}
