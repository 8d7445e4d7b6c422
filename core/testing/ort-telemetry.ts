/** What tests of onnxruntime-node's telemetry opt-out (core's ort.ts) look for, in one place. */
import { join } from 'node:path';

/** Where onnxruntime-node 1.30 keeps its telemetry device id and event cache, under the home folder. */
export const ORT_TELEMETRY_DIR = join('.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime');

/** The environment of a user whose home folder is `home` and who never set ORT_DISABLE_TELEMETRY. */
export function userEnv(home: string): NodeJS.ProcessEnv {
  const { ORT_DISABLE_TELEMETRY: _, XDG_CACHE_HOME: __, ...env } = process.env;
  return { ...env, HOME: home };
}
