/** A PCM WAV tone for Chromium's `--use-file-for-fake-audio-capture` (16-bit, mono). Chromium loops it. */
export interface WavSpec {
  sampleRate: number;
  seconds: number;
  frequencyHz: number;
}

export const WAV_HEADER_BYTES = 44;

export function wavFileBytes(spec: WavSpec): number {
  return WAV_HEADER_BYTES + Math.round(spec.sampleRate * spec.seconds) * 2;
}

/** The whole file: RIFF header and samples of a sine at a third of full scale. */
export function buildToneWav(spec: WavSpec): Buffer {
  const samples = Math.round(spec.sampleRate * spec.seconds);
  const data = samples * 2;
  const buf = Buffer.alloc(WAV_HEADER_BYTES + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(spec.sampleRate, 24);
  buf.writeUInt32LE(spec.sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  const amplitude = 32767 / 3;
  for (let i = 0; i < samples; i++) {
    buf.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * spec.frequencyHz * i) / spec.sampleRate)), WAV_HEADER_BYTES + i * 2);
  }
  return buf;
}
