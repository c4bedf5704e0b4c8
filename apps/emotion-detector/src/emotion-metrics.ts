/* Emotion metrics: registered once at start-up; counted by the runtime when a change commits. */
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { PipelineMetrics } from '@cx/metrics';
import type { Count } from '@cx/runtime';
import type { AnalysisOutcome } from './emotion-step';

@Injectable()
export class EmotionMetrics {
  readonly analysed: Counter<'language' | 'outcome'>;
  readonly truncated: Counter;
  readonly unsupported: Counter;

  constructor(metrics: PipelineMetrics) {
    const registers = [metrics.registry];
    this.analysed = new Counter({
      name: 'cx_emotion_messages_analysed_total', help: 'Customer messages analysed, by detected language and result',
      labelNames: ['language', 'outcome'], registers,
    });
    this.truncated = new Counter({ name: 'cx_emotion_truncated_texts_total', help: 'Texts cut to the detector size limit', registers });
    this.unsupported = new Counter({ name: 'cx_emotion_unsupported_language_total', help: 'Customer messages in a language the detector does not support (no flag)', registers });
    for (const language of ['en', 'de', 'unknown']) {
      for (const outcome of ['negative', 'not_negative', 'unsupported_language', 'empty'] as AnalysisOutcome[]) this.analysed.inc({ language, outcome }, 0);
    }
  }

}

/** What one analysed message adds to the metrics (applied once its change committed). */
export function analysisCounts(a: { language: string; outcome: AnalysisOutcome; truncated: boolean }): Count[] {
  const out: Count[] = [{ metric: 'cx_emotion_messages_analysed_total', labels: { language: a.language, outcome: a.outcome } }];
  if (a.truncated) out.push({ metric: 'cx_emotion_truncated_texts_total' });
  if (a.outcome === 'unsupported_language') out.push({ metric: 'cx_emotion_unsupported_language_total' });
  return out;
}
