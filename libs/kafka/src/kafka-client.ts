import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'log', [logLevel.DEBUG]: 'debug',
};

/** kafkajs with its log routed through Nest's logger (messages only; never payloads or configs). */
export function createKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logCreator: () => ({ namespace, level, log }: LogEntry) => {
      const logger = new Logger(`kafkajs:${namespace}`);
      const method = levels[level] ?? 'log';
      const extra = log.error ? `: ${log.error}` : '';
      logger[method](`${log.message}${extra}`);
    },
  });
}
