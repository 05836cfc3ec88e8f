/**
 * The instrument token get_historical_data needs, found by kite-chat itself: first in the server's instrument list
 * (search_instruments by id, which needs no Kite call and works before login), else from a quote (get_quotes carries
 * `instrument_token`). Only an exact `EXCH:SYMBOL` match counts. A failed quote comes back with the server's text
 * unchanged, so the executor's login handling can recognise it.
 */
import { isRecord, tryParseJson } from '../json.js';
import type { ReadTool, ToolOutcome } from '../tools/tool.js';

/** Enough matches to hold the exact one (a search by id matches substrings: NSE:INFY also finds NSE:INFYBEES…). */
const SEARCH_LIMIT = 50;

type TokenFound = { ok: true; token: number } | { ok: false; answer: ToolOutcome };

export async function findInstrumentToken(read: ReadTool, instrument: string, signal: AbortSignal): Promise<TokenFound> {
  const search = await read('search_instruments', { query: instrument, filter_on: 'id', limit: SEARCH_LIMIT }, signal);
  signal.throwIfAborted();
  const listed = search.isError ? undefined : tokenFromSearch(search.text, instrument);
  if (listed !== undefined) return { ok: true, token: listed };
  const quote = await read('get_quotes', { instruments: [instrument] }, signal);
  signal.throwIfAborted();
  if (quote.isError) return { ok: false, answer: { text: quote.text, isError: true } };
  const quoted = tokenFromQuote(quote.text, instrument);
  if (quoted !== undefined) return { ok: true, token: quoted };
  return {
    ok: false,
    answer: {
      text: `price_chart found no instrument ${instrument}: neither search_instruments nor get_quotes knows it. Check ` +
        'the exchange and symbol (for example NSE:INFY), or find it with search_instruments and filter_on "name".',
      isError: true,
    },
  };
}

/** The token of the row whose id is exactly the instrument, from a bare list or a `{data, pagination}` page. */
function tokenFromSearch(text: string, instrument: string): number | undefined {
  const parsed = tryParseJson(text);
  const rows = Array.isArray(parsed) ? parsed : isRecord(parsed) && Array.isArray(parsed['data']) ? parsed['data'] : [];
  for (const row of rows) {
    if (!isRecord(row)) continue;
    const id = typeof row['id'] === 'string' ? row['id'] : `${String(row['exchange'])}:${String(row['tradingsymbol'])}`;
    if (id.toUpperCase() === instrument) return tokenOf(row['instrument_token']);
  }
  return undefined;
}

function tokenFromQuote(text: string, instrument: string): number | undefined {
  const parsed = tryParseJson(text);
  if (!isRecord(parsed)) return undefined;
  const entry = Object.entries(parsed).find(([key]) => key.toUpperCase() === instrument)?.[1];
  return isRecord(entry) ? tokenOf(entry['instrument_token']) : undefined;
}

function tokenOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
