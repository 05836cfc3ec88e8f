/**
 * The login link as a QR code for a phone camera, drawn with Unicode half blocks: two module rows per text line,
 * inside a light quiet zone. The encoding (Reed–Solomon, masks, versions) is uqr's; this module only draws its
 * module matrix. Pure: text in, lines out; the caller decides whether the terminal is wide enough (qrWidth).
 */
import { encode } from 'uqr';
import { RESET } from '../terminal/styles.js';

interface QrOptions {
  /**
   * With colour the code is drawn black on white with explicit SGR colours, so it reads the same on a dark or a
   * light terminal. Without colour (NO_COLOR, --no-color) light modules are drawn as blocks in the terminal's text
   * colour: right on a dark terminal, inverted (which most phone scanners also read) on a light one.
   */
  color: boolean;
}

/** Level L (7% recovery) keeps a ~200-character login link at version 9–10; a screen has no smudges to recover. */
const ERROR_CORRECTION = 'L';
/**
 * Light modules around the code. The standard asks for 4; 2 is what terminal QR tools commonly use and phones read,
 * and saves two lines and four columns on small terminals.
 */
export const QUIET_ZONE_MODULES = 2;
/** 256-colour black on 256-colour white: fixed cube colours that terminal themes do not remap, unlike 30/47. */
const BLACK_ON_WHITE = '\u001b[38;5;16;48;5;231m';

/** Indexed by [upper is ink][lower is ink]: the characters that paint the ink half of a cell. */
const HALF_BLOCKS = [
  [' ', '▄'],
  ['▀', '█'],
] as const;

/** The code's modules (true = dark) with the quiet zone around them. */
export function qrModules(text: string): boolean[][] {
  const { data } = encode(text, { ecc: ERROR_CORRECTION, border: 0 });
  const size = data.length + 2 * QUIET_ZONE_MODULES;
  const light = () => Array.from({ length: size }, () => false);
  return [
    ...Array.from({ length: QUIET_ZONE_MODULES }, light),
    ...data.map((row) => [...light().slice(0, QUIET_ZONE_MODULES), ...row, ...light().slice(0, QUIET_ZONE_MODULES)]),
    ...Array.from({ length: QUIET_ZONE_MODULES }, light),
  ];
}

/** Columns the drawn code takes: one per module, quiet zone included. */
export function qrWidth(text: string): number {
  return encode(text, { ecc: ERROR_CORRECTION, border: 0 }).size + 2 * QUIET_ZONE_MODULES;
}

/**
 * The code as lines joined with '\n' (no trailing newline). With colour, ink is the dark modules on a white
 * background; without, ink is the light modules. A last odd module row is paired with one more light row.
 */
export function renderQrCode(text: string, options: QrOptions = { color: false }): string {
  const modules = qrModules(text);
  const inkIsDark = options.color;
  const isInk = (row: number, column: number) => {
    const dark = modules[row]?.[column] ?? false; // past the last row: light, like the quiet zone
    return dark === inkIsDark;
  };
  const lines: string[] = [];
  for (let row = 0; row < modules.length; row += 2) {
    let line = '';
    for (let column = 0; column < modules.length; column += 1) {
      line += HALF_BLOCKS[isInk(row, column) ? 1 : 0][isInk(row + 1, column) ? 1 : 0];
    }
    lines.push(options.color ? `${BLACK_ON_WHITE}${line}${RESET}` : line);
  }
  return lines.join('\n');
}
