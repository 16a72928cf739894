/** Types `barcode` the way a keyboard-wedge scanner does: fast key presses, then Enter. */
export function scan(barcode) {
    for (const key of [...barcode, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
    }
}

/**
 * Records the tones played (Web Audio oscillators) in `window.serialTones`: "ok" for the
 * high beep of an accepted scan, "refused" for the low buzz.
 */
export function recordTones() {
    window.serialTones = [];
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...args) {
        window.serialTones.push(this.frequency.value > 1000 ? "ok" : "refused");
        return start.apply(this, args);
    };
}

/** The last tone recorded by `recordTones`. */
export function lastTone() {
    return window.serialTones.at(-1);
}

export const SCAN_FEEDBACK = ".o_serial_scan_feedback";
/** The time a scan may take to be answered (issue 11: within 1 s). */
const MAX_ANSWER_MS = 1000;
/**
 * Validating runs Odoo's whole validation (stock moves done, quants, a backorder): it is
 * given longer than a scan, so that a loaded test machine does not fail the tour.
 */
const MAX_VALIDATION_MS = 3000;

/**
 * Scans `barcode`, then waits for the answer `expected` (a selector under the feedback
 * banner) and checks it came in time (a second, or MAX_VALIDATION_MS for O-BTN.validate).
 */
export function scanStep(barcode, expected, content) {
    const maxMs = barcode === "O-BTN.validate" ? MAX_VALIDATION_MS : MAX_ANSWER_MS;
    return [
        {
            content: content || `Scan ${barcode}`,
            trigger: ".o_serial_scan",
            run: () => {
                window.serialScanStart = performance.now();
                scan(barcode);
            },
        },
        {
            content: `Answer to ${barcode}`,
            trigger: expected,
            run: () => {
                const elapsed = performance.now() - window.serialScanStart;
                if (elapsed > maxMs) {
                    throw new Error(
                        `${barcode} was answered in ${Math.round(elapsed)} ms`
                    );
                }
            },
        },
    ];
}

/** Scans the reference of the listed transfer of `partner` (demo data lists others too). */
export function scanTransfer(partner) {
    const card = [...document.querySelectorAll(".o_serial_scan_transfer")].find((el) =>
        el.textContent.includes(partner)
    );
    scan(card.querySelector(".fw-bold").textContent);
}

export const ok = (text) => `${SCAN_FEEDBACK}.o_scan_ok:contains('${text}')`;
export const refused = (text) => `${SCAN_FEEDBACK}.o_scan_refused:contains('${text}')`;
