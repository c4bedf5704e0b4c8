// Starts and stops the cluster tier's infrastructure: a 3-master Redis Cluster (redis-cluster.js)
// and a 3-broker KRaft Kafka cluster (kafka-cluster.js), beside the single broker and Redis of
// infra.js, on ports of their own. Also the command line for fault drills by hand.
'use strict';
const fs = require('node:fs');
const infra = require('./infra.js');
const redisCluster = require('./redis-cluster.js');
const kafkaCluster = require('./kafka-cluster.js');

const { log } = infra.util;

/** Starts what is missing of both clusters (in parallel); returns the addresses and what it started. */
async function up({ redis = true, kafka = true } = {}) {
  const [r, k] = await Promise.all([
    redis ? redisCluster.up() : { nodes: redisCluster.nodes(), started: [] },
    kafka ? kafkaCluster.up() : { brokers: kafkaCluster.brokers(), started: [] },
  ]);
  return { redisNodes: r.nodes, kafkaBrokers: k.brokers, startedRedis: r.started, startedKafka: k.started };
}

/** Stops what the given lists name (default: every node of ours that runs). */
async function down({ redis = true, kafka = true } = {}) {
  const [r, k] = await Promise.all([redis ? redisCluster.down() : [], kafka ? kafkaCluster.down() : []]);
  return { stoppedRedis: r, stoppedKafka: k };
}

module.exports = {
  up, down,
  redis: redisCluster,
  kafka: kafkaCluster,
};

if (require.main === module) {
  const [cmd, arg] = process.argv.slice(2);
  const usage = 'usage: node scripts/cluster-infra.js up|down [--purge]|status|kill-broker ID|start-broker ID|stop-redis PORT|start-redis PORT';
  const main = async () => {
    switch (cmd) {
      case 'up': {
        const t = Date.now();
        const r = await up();
        log(`redis cluster ${r.redisNodes.join(',')} (started ${r.startedRedis.join(',') || 'none'}), ` +
          `kafka cluster ${r.kafkaBrokers.join(',')} (started ${r.startedKafka.join(',') || 'none'}) in ${Date.now() - t} ms`);
        break;
      }
      case 'down': {
        const r = await down();
        if (process.argv.includes('--purge')) {
          fs.rmSync(redisCluster.DIR, { recursive: true, force: true });
          fs.rmSync(kafkaCluster.DIR, { recursive: true, force: true });
        }
        log(`stopped redis ${r.stoppedRedis.join(',') || 'none'}, kafka ${r.stoppedKafka.join(',') || 'none'}`);
        break;
      }
      case 'status':
        log(`redis cluster healthy: ${await redisCluster.healthy().catch((e) => e.message)}; kafka brokers live: ${(await kafkaCluster.liveBrokers()).join(',') || 'none'}`);
        break;
      case 'kill-broker': await kafkaCluster.stopBroker(Number(arg)); break;
      case 'start-broker': await kafkaCluster.restartBroker(Number(arg)); break;
      case 'stop-redis': await redisCluster.stopNode(Number(arg)); break;
      case 'start-redis': await redisCluster.restartNode(Number(arg)); break;
      default: log(usage); process.exit(2);
    }
  };
  main().catch((e) => { log(e.message); process.exit(1); });
}
