/**
 * The sound and vibration answering a scan: a short high beep when it is accepted, a low
 * double buzz when it is refused. Web Audio makes the tones; no sound file to download.
 */
let audioContext = null;

function tone(context, frequency, start, duration) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "square";
    oscillator.frequency.value = frequency;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(context.currentTime + start);
    oscillator.stop(context.currentTime + start + duration);
}

export function playScanSound(ok) {
    try {
        audioContext ||= new window.AudioContext();
        if (audioContext.state === "suspended") {
            audioContext.resume();
        }
        if (ok) {
            tone(audioContext, 1760, 0, 0.08);
        } else {
            tone(audioContext, 220, 0, 0.15);
            tone(audioContext, 180, 0.2, 0.25);
        }
    } catch {
        // No audio device (or no Web Audio): the screen still says what happened.
    }
    if (!ok) {
        navigator.vibrate?.([120, 60, 120]);
    }
}
