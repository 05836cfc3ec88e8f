/**
 * Trims a source map (v3) for scripts/build.mjs: only the chosen sources' mappings, one per original line. Node
 * parses a chunk's whole map the first time a stack trace passes through the chunk (every run: the MCP SDK aborts its
 * event stream on close, and Node reads that error's stack), so a map's size is start-up time. A trace still names
 * our file and line. Pure: a map object in, a map object out.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((character, index) => [character, index]));
const VLQ_SHIFT = 5;
const VLQ_CONTINUATION = 1 << VLQ_SHIFT;
const VLQ_MASK = VLQ_CONTINUATION - 1;

/**
 * The map with only the segments whose source `isOwn` accepts, and of those only the ones where the original file or
 * line changes, its sources renumbered; undefined when none is left. A stack trace then names the file and line (not
 * the column) from a fraction of the mappings Node would otherwise parse.
 */
export function keepOwnMappings(map, isOwn) {
  const kept = map.sources.map((source) => isOwn(source));
  const newIndex = [];
  let next = 0;
  for (const keep of kept) newIndex.push(keep ? next++ : -1);
  if (next === 0) return undefined;
  let previous = '';
  const lines = decodeMappings(map.mappings).map((segments) => {
    const out = [];
    for (const segment of segments) {
      if (segment.length < 4 || !kept[segment[1]]) {
        if (out.length > 0 && out.at(-1).length > 1) out.push([segment[0]]); // ours ends here
        previous = '';
        continue;
      }
      const place = `${segment[1]}:${segment[2]}`;
      if (place === previous && out.length > 0) continue;
      out.push([segment[0], newIndex[segment[1]], segment[2], segment[3]]);
      previous = place;
    }
    return out;
  });
  return {
    version: map.version,
    sources: map.sources.filter((_source, index) => kept[index]),
    names: [],
    mappings: encodeMappings(lines),
  };
}

/** Lines of segments with absolute values: [column] or [column, source, line, column(, name)]. */
function decodeMappings(mappings) {
  const state = [0, 0, 0, 0];
  return mappings.split(';').map((line) => {
    let column = 0;
    if (line === '') return [];
    return line.split(',').map((text) => {
      const deltas = decodeVlq(text);
      column += deltas[0];
      const segment = [column];
      for (let field = 1; field < deltas.length; field += 1) {
        state[field - 1] += deltas[field];
        segment.push(state[field - 1]);
      }
      return segment;
    });
  });
}

function encodeMappings(lines) {
  const state = [0, 0, 0, 0];
  return lines.map((segments) => {
    let column = 0;
    return segments.map((segment) => {
      let text = encodeVlq(segment[0] - column);
      column = segment[0];
      for (let field = 1; field < segment.length; field += 1) {
        text += encodeVlq(segment[field] - state[field - 1]);
        state[field - 1] = segment[field];
      }
      return text;
    }).join(',');
  }).join(';');
}

function decodeVlq(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const character of text) {
    const digit = BASE64_VALUE.get(character);
    if (digit === undefined) throw new Error(`not a base64 digit in a source map: ${character}`);
    value += (digit & VLQ_MASK) << shift;
    if ((digit & VLQ_CONTINUATION) !== 0) {
      shift += VLQ_SHIFT;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeVlq(number) {
  let value = number < 0 ? (-number << 1) | 1 : number << 1;
  let text = '';
  do {
    let digit = value & VLQ_MASK;
    value >>>= VLQ_SHIFT;
    if (value > 0) digit |= VLQ_CONTINUATION;
    text += BASE64[digit];
  } while (value > 0);
  return text;
}
