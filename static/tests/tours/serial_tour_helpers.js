/** Types `barcode` the way a keyboard-wedge scanner does: fast key presses, then Enter. */
export function scan(barcode) {
    for (const key of [...barcode, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
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
