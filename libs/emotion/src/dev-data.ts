/**
 * Where the base training data (the development sets in shared/data/emotion, docs/contract.md, Emotion detection) lives:
 * `CX_EMOTION_DEV_DATA` (a directory), else the first `shared/data/emotion` found walking up from
 * the repository (a clone sits next to shared/, a worktree may sit deeper). Used by the trainer
 * and the benchmark only; the services never read training data.
 */
import * as fs from 'fs';
import * as path from 'path';

export const DEV_FILES = ['en-airline-dev.jsonl', 'de-germeval2017-dev.jsonl'];

export function devDataDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CX_EMOTION_DEV_DATA) return path.resolve(env.CX_EMOTION_DEV_DATA);
  let dir = path.resolve(repoRoot);
  for (;;) {
    const cand = path.join(dir, 'shared', 'data', 'emotion');
    if (fs.existsSync(path.join(cand, DEV_FILES[0]))) return cand;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(repoRoot, '..', 'shared', 'data', 'emotion');
    dir = up;
  }
}

export function devDataFiles(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = devDataDir(repoRoot, env);
  return DEV_FILES.map((f) => path.join(dir, f));
}
