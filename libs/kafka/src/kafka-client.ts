/* kafkajs with its log routed through Nest's logger (messages only; never payloads or configs). */
import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { CLIENT_RETRY } from './kafka-settings';

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'log', [logLevel.DEBUG]: 'debug',
};

export function createKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: CLIENT_RETRY,
    logCreator: () => ({ namespace, level, log }: LogEntry) => {
      const logger = new Logger(`kafkajs:${namespace}`);
      const method = levels[level] ?? 'log';
      const extra = log.error ? `: ${log.error}` : '';
      logger[method](`${log.message}${extra}`);
    },
  });
}
