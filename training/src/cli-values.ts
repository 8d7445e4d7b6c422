/** Flag values as typed on the command line, read the same way by every training command. */

/** An on|off flag; anything else is a clear error naming the flag. */
export function onOff(value: unknown, flag: string): boolean {
  if (value !== 'on' && value !== 'off') throw new Error(`${flag} must be on or off, got "${value}"`);
  return value === 'on';
}
