// Environment for every wrangler run of this project (npm start, tests, bench): nothing reaches the
// internet. wrangler dev would otherwise fetch cf.json (request.cf data), check npm for updates
// (in its banner), and send metrics / error reports.
export const OFFLINE_ENV = {
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};

/** Applies OFFLINE_ENV to this process (for in-process wrangler APIs). */
export function goOffline() {
  Object.assign(process.env, OFFLINE_ENV);
}
