// Environment for every wrangler or miniflare run of this project (npm start, tests, benches): nothing
// reaches the internet. wrangler would otherwise fetch cf.json (request.cf data), check npm for
// updates (in its banner), and send metrics and error reports. Plain JS: `npm start` loads it without tsx.
export const OFFLINE_ENV = {
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};
