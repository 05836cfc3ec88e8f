/**
 * The Kite login on the terminal (stderr): Kite's risk warning, the link, and a QR code of it for the phone in your
 * hand when the terminal is interactive and wide enough; the login's status and warning lines. All through the Ui.
 */
import type { LoginScreen } from '../login/kite-login.js';
import { qrWidth, renderQrCode } from '../login/qr-code.js';
import type { Ui } from './ui.js';

export function createLoginScreen(ui: Ui, options: { qr: boolean }): LoginScreen {
  return {
    showLink({ warning, link }) {
      ui.warn(warning);
      ui.status('Log in to Kite with this link (it is tied to this session; do not share it):');
      ui.status(link);
      if (options.qr && ui.interactive) drawQrCode(ui, link);
    },
    status: (line) => ui.status(line),
    warn: (line) => ui.warn(line),
  };
}

/** The link as a QR code for the phone in your hand, when the terminal is wide enough to draw it. */
function drawQrCode(ui: Ui, link: string): void {
  try {
    if (qrWidth(link) > ui.columns()) return;
    ui.status('Or scan it with your phone:');
    ui.drawing(renderQrCode(link, { color: ui.color }));
  } catch {
    // a link too long to encode: the text link above is enough
  }
}
