import type { DetectionPort } from './conversation-step';

// Walking-skeleton detector: a handful of unmistakable cues, replaced by @cx/emotion.
const CUES = [/unacceptable/i, /frechheit/i, /furious/i, /worst/i, /unversch[äa]mt/i, /seit \w+ wochen/i, /for (three|\d+) weeks/i];

export const placeholderDetector: DetectionPort = {
  detect(text) {
    const evidence = CUES.flatMap((re) => {
      const m = re.exec(text);
      return m ? [{ cue: re.source, kind: 'lexicon', text: m[0], start: m.index, end: m.index + m[0].length }] : [];
    });
    return { negative: evidence.length > 0, language: null, supported: true, evidence, intents: [], truncated: false };
  },
};
