// The login link as a QR code (src/login/qr-code.ts): quiet zone, finder patterns, format information, width, colour.
import { test, expect } from 'vitest';
import { encode } from 'uqr';
import { displayWidth } from '../../../src/terminal/display-width.js';
import { QUIET_ZONE_MODULES, qrModules, qrWidth, renderQrCode } from '../../../src/login/qr-code.js';

/** A login link of the real shape (SERVER.md: session id, timestamp and a padded base64url signature). */
const LOGIN_LINK =
  'https://kite.zerodha.com/connect/login?api_key=kitemcp&v=3&redirect_params=session_id%3Dkitemcp-3f2b8c1e-9d4a-4e7b-8c1f-2a3b4c5d6e7f%7C1735689600.Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg%3D';
const SGR = /\u001b\[[0-9;]*m/g;
/** Which halves of a cell carry ink: [upper, lower]. */
const HALVES: Record<string, [boolean, boolean]> = { ' ': [false, false], '▀': [true, false], '▄': [false, true], '█': [true, true] };

/** Reads a drawing back into dark/light modules: ink is dark with colour, light without. */
function readDrawing(drawing: string, inkIsDark: boolean): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of drawing.replace(SGR, '').split('\n')) {
    const upper: boolean[] = [];
    const lower: boolean[] = [];
    for (const character of line) {
      const halves = HALVES[character];
      if (halves === undefined) throw new Error(`unexpected character ${JSON.stringify(character)} in the drawing`);
      upper.push(halves[0] === inkIsDark);
      lower.push(halves[1] === inkIsDark);
    }
    rows.push(upper, lower);
  }
  return rows;
}

/** The encoder's own matrix, with the quiet zone added the way the drawing should have it. */
function expectedModules(text: string): boolean[][] {
  const { data } = encode(text, { ecc: 'L', border: 0 });
  const quiet = QUIET_ZONE_MODULES;
  const blank = () => Array.from({ length: data.length + 2 * quiet }, () => false);
  const padded = data.map((row) => [...Array.from({ length: quiet }, () => false), ...row, ...Array.from({ length: quiet }, () => false)]);
  return [...Array.from({ length: quiet }, blank), ...padded, ...Array.from({ length: quiet }, blank)];
}

test.each([
  ['with colour', true],
  ['without colour', false],
])('every half-block cell maps back to the two modules of the encoded matrix (%s)', (_name, color) => {
  const modules = readDrawing(renderQrCode(LOGIN_LINK, { color }), color);
  const expected = expectedModules(LOGIN_LINK);
  // An odd number of module rows leaves a last half row, drawn light like the quiet zone.
  expect(modules.length).toBe(expected.length + 1);
  expect(modules.slice(0, expected.length)).toEqual(expected);
  expect(modules.at(-1)?.every((dark) => !dark)).toBe(true);
});

test('the quiet zone around the code is light on every side', () => {
  const modules = qrModules(LOGIN_LINK);
  const size = modules.length;
  for (let index = 0; index < size; index += 1) {
    for (let depth = 0; depth < QUIET_ZONE_MODULES; depth += 1) {
      expect(modules[depth]?.[index]).toBe(false);
      expect(modules[size - 1 - depth]?.[index]).toBe(false);
      expect(modules[index]?.[depth]).toBe(false);
      expect(modules[index]?.[size - 1 - depth]).toBe(false);
    }
  }
});

test('the three finder patterns sit in their corners just inside the quiet zone', () => {
  const modules = qrModules(LOGIN_LINK);
  const symbolSize = modules.length - 2 * QUIET_ZONE_MODULES;
  const finder = (top: number, left: number) =>
    Array.from({ length: 7 }, (_, row) => Array.from({ length: 7 }, (_, column) => modules[top + row]?.[left + column]));
  const ring = (row: number, column: number) => Math.max(Math.abs(row - 3), Math.abs(column - 3));
  const pattern = Array.from({ length: 7 }, (_, row) => Array.from({ length: 7 }, (_, column) => ring(row, column) !== 2));
  const near = QUIET_ZONE_MODULES;
  const far = QUIET_ZONE_MODULES + symbolSize - 7;
  expect(finder(near, near)).toEqual(pattern);
  expect(finder(near, far)).toEqual(pattern);
  expect(finder(far, near)).toEqual(pattern);
});

test('the drawn format information says error correction level L and the mask the encoder chose', () => {
  // ISO/IEC 18004 §7.9: 15 format bits beside the top-left finder, masked with 0x5412; 5 data bits, 10 BCH bits.
  const modules = readDrawing(renderQrCode(LOGIN_LINK, { color: true }), true);
  const at = (column: number, row: number) => (modules[row + QUIET_ZONE_MODULES]?.[column + QUIET_ZONE_MODULES] ? 1 : 0);
  const positions: Array<[number, number]> = [
    [8, 0], [8, 1], [8, 2], [8, 3], [8, 4], [8, 5], [8, 7], [8, 8], [7, 8], [5, 8], [4, 8], [3, 8], [2, 8], [1, 8], [0, 8],
  ];
  const bits = positions.reduce((value, [column, row], index) => value | (at(column, row) << index), 0) ^ 0x5412;
  const data = bits >> 10;
  let remainder = data;
  for (let step = 0; step < 10; step += 1) remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537);
  expect(bits & 0x3ff).toBe(remainder & 0x3ff);
  expect(data >> 3).toBe(1); // 01 = level L
  expect(data & 0b111).toBe(encode(LOGIN_LINK, { ecc: 'L' }).maskPattern);
});

test('qrWidth is the width of every drawn line, quiet zone included', () => {
  const width = qrWidth(LOGIN_LINK);
  expect(width).toBe(encode(LOGIN_LINK, { ecc: 'L', border: 0 }).size + 2 * QUIET_ZONE_MODULES);
  for (const color of [true, false]) {
    const lines = renderQrCode(LOGIN_LINK, { color }).replace(SGR, '').split('\n');
    expect(lines).toHaveLength(Math.ceil(width / 2));
    for (const line of lines) expect(displayWidth(line)).toBe(width);
  }
});

test('a login link fits an 80-column terminal in under 30 lines', () => {
  expect(qrWidth(LOGIN_LINK)).toBeLessThanOrEqual(80);
  expect(renderQrCode(LOGIN_LINK).split('\n').length).toBeLessThan(30);
});

test('without colour the drawing has no escape sequences; with colour each line is black on white and reset', () => {
  expect(renderQrCode(LOGIN_LINK, { color: false })).not.toContain('\u001b');
  expect(renderQrCode(LOGIN_LINK)).not.toContain('\u001b');
  for (const line of renderQrCode(LOGIN_LINK, { color: true }).split('\n')) {
    expect(line.startsWith('\u001b[38;5;16;48;5;231m')).toBe(true);
    expect(line.endsWith('\u001b[0m')).toBe(true);
  }
});

test('a longer text needs a larger code', () => {
  expect(qrWidth(`${LOGIN_LINK}&more=${'x'.repeat(200)}`)).toBeGreaterThan(qrWidth(LOGIN_LINK));
  expect(qrWidth('https://kite.zerodha.com/')).toBeLessThan(qrWidth(LOGIN_LINK));
});
