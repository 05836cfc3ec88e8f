/**
 * The fake's fault switches: mutable fields a test flips while the fake runs (slow or hung tools, a generated large
 * portfolio, replaced holdings, every MCP request failing with a status or answering with non-JSON), and the waits
 * the tool handlers use to honour them. Nothing here touches HTTP.
 */

export interface FakeKiteFaults {
  /** Tool name → extra milliseconds before the tool answers. */
  toolDelayMs: Record<string, number>;
  /** Tools that never answer (until the caller goes away or the fake closes). */
  hangTools: Set<string>;
  /** 0 = off; N = get_holdings returns N generated holdings. */
  largePortfolio: number;
  /** Answer every MCP request (/mcp, /sse, /message) with this HTTP status. */
  httpStatus?: number;
  /** Answer MCP POSTs with non-JSON (on /sse, the garbage arrives on the stream). */
  garbage?: boolean;
  /** Replace the holdings data, e.g. with a prompt-injection instrument name. */
  holdingsOverride?: unknown[];
  /** Replace the user name in get_profile and in "You are already logged in as …", e.g. with terminal controls. */
  userName?: string;
  /**
   * get_historical_data answers a refused request with Kite's own text ("interval exceeds max limit: 60 days"), as a
   * server that passes Kite's errors on would; off (the hosted server), every Kite error is "Failed to get historical data".
   */
  kiteErrorText?: boolean;
  /** Kite's range limits in days by interval, where a test makes Kite stricter than it documents (history.ts). */
  historyLimitDays?: Record<string, number>;
  /** Read-only counters: tool calls waiting out a delay or hang now, and the most there ever were at once. */
  readonly load: { inFlight: number; peakInFlight: number };
}

export function createFaults(): FakeKiteFaults {
  return { toolDelayMs: {}, hangTools: new Set(), largePortfolio: 0, load: { inFlight: 0, peakInFlight: 0 } };
}

/** Holds hung tool calls so close() can let them go instead of leaving promises pending forever. */
export interface HangRelease {
  wait(signal: AbortSignal | undefined): Promise<void>;
  releaseAll(): void;
}

export function createHangRelease(): HangRelease {
  const waiting = new Set<() => void>();
  return {
    wait(signal) {
      return new Promise<void>((resolve) => {
        const release = () => {
          waiting.delete(release);
          resolve();
        };
        waiting.add(release);
        signal?.addEventListener('abort', release, { once: true });
      });
    },
    releaseAll() {
      for (const release of [...waiting]) release();
    },
  };
}

/** Waits out the delay and the hang a test asked for; resolves early when the call is cancelled. */
export async function applyToolFaults(faults: FakeKiteFaults, hangs: HangRelease, tool: string, signal: AbortSignal | undefined): Promise<void> {
  faults.load.inFlight += 1;
  faults.load.peakInFlight = Math.max(faults.load.peakInFlight, faults.load.inFlight);
  try {
    await waitOutFaults(faults, hangs, tool, signal);
  } finally {
    faults.load.inFlight -= 1;
  }
}

async function waitOutFaults(faults: FakeKiteFaults, hangs: HangRelease, tool: string, signal: AbortSignal | undefined): Promise<void> {
  const delay = faults.toolDelayMs[tool];
  if (delay !== undefined && delay > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
  if (faults.hangTools.has(tool)) await hangs.wait(signal);
}
