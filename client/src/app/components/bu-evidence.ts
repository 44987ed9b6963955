// Attach or capture photos, video and audio, or record a spoken testimony in the page.
// Files stay as the browser's File handles (never read whole into memory) until they are
// encrypted chunk by chunk at sending time.
import { html, nothing } from 'lit';
import { Screen, define } from './base.ts';

let instances = 0;

export class BuEvidence extends Screen {
  static override properties = {
    ...Screen.properties,
    files: { attribute: false },
    onFiles: { attribute: false },
    recording: { state: true },
    refused: { state: true },
  };
  declare files: File[];
  declare onFiles: (files: File[]) => void;
  /** The microphone was refused or is missing. */
  declare refused: boolean;
  declare recording: { recorder: MediaRecorder; started: number } | undefined;
  #recordings = 0;
  /** The report and the follow-up screens each have one: their ids must not collide. */
  readonly #id = `evidence-${++instances}`;

  constructor() {
    super();
    this.files = [];
    this.onFiles = () => {};
    this.recording = undefined;
    this.refused = false;
  }

  #add(list: FileList | null): void {
    if (!list) return;
    this.files = [...this.files, ...Array.from(list)];
    this.#changed();
  }

  #remove(file: File): void {
    this.files = this.files.filter((f) => f !== file);
    this.#changed();
  }

  #changed(): void {
    // A callback, not an event: a recording may end after this element left the page.
    this.onFiles(this.files);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moving to another step stops the microphone; what was recorded is kept.
    this.recording?.recorder.stop();
  }

  async #record(): Promise<void> {
    if (this.recording) {
      this.recording.recorder.stop();
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      this.refused = false;
    } catch {
      this.refused = true;
      return;
    }
    const recorder = new MediaRecorder(stream);
    const parts: Blob[] = [];
    recorder.ondataavailable = (e) => parts.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((track) => track.stop());
      const type = recorder.mimeType || 'audio/webm';
      this.#recordings += 1;
      this.files = [...this.files, new File(parts, `voice-${this.#recordings}.webm`, { type })];
      this.recording = undefined;
      this.#changed();
    };
    // Recorded in one-second parts: a long testimony never sits in one huge buffer.
    recorder.start(1000);
    this.recording = { recorder, started: Date.now() };
  }

  protected override render() {
    const { t } = this.tr;
    const canRecord = typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
    return html`
      <p class="help">${t('evidence.intro')}</p>
      <div class="actions">
        <input
          id=${`${this.#id}-files`}
          data-role="files"
          class="visually-hidden"
          type="file"
          multiple
          accept="image/*,video/*,audio/*"
          @change=${(e: Event) => this.#add((e.target as HTMLInputElement).files)}
        />
        <label class="button" for=${`${this.#id}-files`}>${t('evidence.choose')}</label>
        <input
          id=${`${this.#id}-camera`}
          class="visually-hidden"
          type="file"
          accept="image/*,video/*"
          capture="environment"
          @change=${(e: Event) => this.#add((e.target as HTMLInputElement).files)}
        />
        <label class="button" for=${`${this.#id}-camera`}>${t('evidence.capture')}</label>
        ${
          canRecord
            ? html`<button
                type="button"
                aria-pressed=${this.recording ? 'true' : 'false'}
                @click=${() => void this.#record()}
              >
                ${this.recording ? t('evidence.stop') : t('evidence.record')}
              </button>`
            : nothing
        }
      </div>
      <p role="status" class="note">
        ${this.recording ? t('evidence.recording') : this.refused ? t('evidence.micRefused') : ''}
      </p>
      ${
        this.files.length
          ? html`<ul class="files" aria-label=${t('evidence.list')}>
              ${this.files.map(
                (f) =>
                  html`<li>
                    <bdi>${f.name}</bdi> <span class="size">${t('evidence.size', { mb: megabytes(f.size) })}</span>
                    <button
                      type="button"
                      aria-label=${t('evidence.remove', { name: f.name })}
                      @click=${() => this.#remove(f)}
                    >
                      ${t('evidence.removeShort')}
                    </button>
                  </li>`,
              )}
            </ul>`
          : nothing
      }
      <p class="note">${t('evidence.safety')}</p>
    `;
  }
}

const megabytes = (bytes: number) => Math.max(0.1, Math.round(bytes / 104857.6) / 10);

define('bu-evidence', BuEvidence);
