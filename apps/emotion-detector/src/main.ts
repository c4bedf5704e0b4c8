import 'reflect-metadata';
import { loadEnv } from '@cx/config';
import { hardenHttp } from '@cx/http';
import { runMain, startService } from '@cx/runtime';
import { EmotionDetectorModule } from './app.module';
import { EmotionEnv } from './emotion-env';

runMain(async () => {
  const env = loadEnv(EmotionEnv);
  await startService(EmotionDetectorModule.forRoot(env), { name: 'emotion-detector', port: env.EMOTION_PORT, host: env.HTTP_HOST, logLevel: env.LOG_LEVEL, configure: (app) => hardenHttp(app) });
});
