// Getting the agent's attention: the title bar (queue size, unread messages, a flashing warning while an
// urgent chat waits) and a short sound. `host` carries data-alert="urgent" and data-last-signal.

const BASE_TITLE = "Casinra Konsol";
let audio = null;

/** Create the audio context during a user gesture (login), so later beeps are allowed to play. */
export function unlockAudio() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) audio = new Ctx();
  } catch (_) { audio = null; }
}

export class Attention {
  constructor(host) {
    this.host = host;
    this.queued = 0;
    this.unread = 0;
    this.urgentWaiting = () => false;
    this.alerting = false;
  }

  /** Numbers for the title bar: chats waiting in the queue, unread messages in open chats. */
  counts(queued, unread) {
    this.queued = queued;
    this.unread = unread;
    this.updateTitle();
  }

  updateTitle() {
    if (this.alerting) return;
    const parts = [];
    if (this.queued) parts.push(`(${this.queued}) sırada`);
    if (this.unread) parts.push(`${this.unread} yeni mesaj`);
    document.title = parts.length ? `${parts.join(" · ")} — ${BASE_TITLE}` : BASE_TITLE;
  }

  /** A new chat arrived: a beep; for an urgent one the title flashes until none is waiting or the window gets focus. */
  signal(urgent) {
    this.beep(urgent);
    if (!urgent) { this.updateTitle(); return; }
    this.host.dataset.alert = "urgent";
    if (this.alerting) return;
    this.alerting = true;
    let on = true;
    const flip = () => {
      document.title = on ? "⚠ ACİL SOHBET BEKLİYOR — " + BASE_TITLE : BASE_TITLE;
      on = !on;
    };
    flip();
    this.timer = setInterval(() => {
      if (!this.urgentWaiting()) { this.stop(); return; }
      flip();
    }, 1000);
  }

  stop() {
    if (!this.alerting) return;
    clearInterval(this.timer);
    this.alerting = false;
    delete this.host.dataset.alert;
    this.updateTitle();
  }

  beep(urgent) {
    try {
      if (!audio) unlockAudio();
      if (!audio) return;
      if (audio.state === "suspended") audio.resume();
      const tones = urgent ? [880, 660, 880] : [660];
      tones.forEach((freq, i) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = freq;
        gain.gain.value = 0.08;
        osc.connect(gain).connect(audio.destination);
        const t = audio.currentTime + i * 0.22;
        osc.start(t);
        osc.stop(t + 0.16);
      });
      this.host.dataset.lastSignal = urgent ? "urgent" : "new";
    } catch (_) { /* sound is a nicety */ }
  }

  dispose() {
    clearInterval(this.timer);
    this.alerting = false;
    delete this.host.dataset.alert;
    document.title = BASE_TITLE;
  }
}
