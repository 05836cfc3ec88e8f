/**
 * The few SGR styles kite-chat writes itself (its own status lines, warnings, charts, the QR code's frame), named
 * once. Whether to use them (a TTY, no NO_COLOR/--no-color) is the caller's decision; untrusted text never carries
 * them (terminal/text.ts strips every escape sequence from it).
 */
export const DIM = '\u001b[2m';
export const BOLD = '\u001b[1m';
export const RED = '\u001b[31m';
export const GREEN = '\u001b[32m';
export const YELLOW = '\u001b[33m';
export const CYAN = '\u001b[36m';
export const RESET = '\u001b[0m';
