/**
 * `kite-chat --ask "QUESTION"`: one question for scripts. The answer alone goes to stdout (or one JSON object with
 * --json, CONTRACT.md's shape), tool lines and the login link to stderr; write tools are never offered or run.
 * Failures surface as CliErrors whose exit codes the CLI returns.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { runTurn, type TurnResult } from '../agent/loop.js';
import { InterruptedError, type CliError } from '../errors.js';
import type { Complete } from '../model/openai-model.js';
import type { Runtime } from '../session.js';
import { createToolExecutor } from '../tools/executor.js';
import { createTurnController } from '../agent/turn-signal.js';
import { createEventRenderer, createLoginScreen, cutOffWarning } from '../terminal/turn-view.js';
import type { Ui } from '../terminal/ui.js';

export interface AskDeps {
  runtime: Runtime;
  complete: Complete;
  model: string;
  ui: Ui;
  /** Writes the JSON object to stdout (--json). */
  writeJson: (text: string) => void;
  /** Aborts on Ctrl-C. */
  interrupt: AbortSignal;
}

export async function runAsk(question: string, deps: AskDeps): Promise<number> {
  const { runtime, ui } = deps;
  const { config } = runtime;
  const turn = createTurnController();
  let fatal: CliError | undefined;
  const stopOnInterrupt = () => turn.abort();
  deps.interrupt.addEventListener('abort', stopOnInterrupt, { once: true });
  const { callTool } = createToolExecutor({
    connection: runtime.connection,
    catalog: runtime.catalog,
    classes: runtime.classes,
    localTools: runtime.localTools,
    mode: 'ask',
    trading: false,
    confirmWrite: undefined,
    login: {
      openLink: runtime.openLink,
      screen: createLoginScreen(ui, { qr: false }),
      waitForEnter: undefined,
      timeoutMs: config.loginTimeoutSeconds * 1000,
    },
    serverUrl: config.url,
    toolTimeoutMs: config.toolTimeoutSeconds * 1000,
    onFatal: (error) => {
      fatal ??= error;
      turn.abort();
    },
    onAudit: (entry) => runtime.audit({ mode: 'ask', ...entry }),
  });
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: runtime.systemPrompt },
    { role: 'user', content: question },
  ];
  // Scripts get the final answer alone: what the model says between tool calls ("let me check…") is not printed.
  const render = createEventRenderer(ui, { streamAnswer: false });
  let result: TurnResult;
  try {
    result = await runTurn({
      complete: deps.complete,
      callTool,
      tools: runtime.offered('ask'),
      messages,
      onEvent: render,
      signal: turn.signal,
      maxRounds: config.maxRounds,
    });
  } catch (error) {
    if (fatal !== undefined) throw fatal;
    if (deps.interrupt.aborted) throw new InterruptedError();
    throw error;
  } finally {
    deps.interrupt.removeEventListener('abort', stopOnInterrupt);
    ui.activity.stop();
  }
  if (!config.json) {
    ui.answer(result.text);
    ui.endAnswer();
  } else {
    deps.writeJson(
      `${jsonForTerminal({
        answer: result.text,
        toolCalls: result.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments ?? {}, isError: call.isError })),
        usage: result.usage,
        model: deps.model,
        rounds: result.rounds,
        ...(result.cutOff ? { truncated: true } : {}),
      })}\n`,
    );
  }
  render.drawPictures(); // stderr, and only when it is a colour terminal: never on stdout
  if (result.stoppedBy !== 'answer') return 1;
  if (result.cutOff) {
    ui.warn(cutOffWarning(config.maxOutputTokens));
    return 1;
  }
  if (result.text.trim() === '') {
    ui.warn('The model gave an empty answer.');
    return 1;
  }
  return 0;
}

/**
 * JSON.stringify escapes C0 controls but leaves C1 controls (U+009B is a one-byte CSI to some terminals), DEL and
 * Unicode bidi overrides raw; escaping them as \uXXXX keeps the JSON value identical and the terminal safe.
 */
function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (character) =>
    `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
