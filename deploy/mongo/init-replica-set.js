// One-shot replica set bootstrap, run by the `mongo-init` service with
// `mongosh --nodb --quiet init-replica-set.js`. Idempotent: safe to re-run.
//  1. connect to mongo1 as the root user (created by the image's entrypoint from
//     MONGO_INITDB_ROOT_USERNAME/PASSWORD before mongod restarted with --replSet);
//  2. rs.initiate the 3 members unless a config exists;
//  3. wait until mongo1 is primary and every member is PRIMARY or SECONDARY;
//  4. create proofline's least-privilege user (if missing).
const env = process.env;
const RS = env.MONGO_REPLICA_SET || 'rs0';
const MEMBERS = ['mongo1:27017', 'mongo2:27017', 'mongo3:27017'];
const TIMEOUT_MS = Number(env.MONGO_INIT_TIMEOUT_MS || 180000);
const deadline = Date.now() + TIMEOUT_MS;

function need(name) {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set (see deploy/.env.example)`);
  return v;
}
const rootUser = need('MONGO_INITDB_ROOT_USERNAME');
const rootPassword = need('MONGO_INITDB_ROOT_PASSWORD');
const appUser = need('PROOFLINE_DB_USER');
const appPassword = need('PROOFLINE_DB_PASSWORD');
const appDb = need('PROOFLINE_DB_NAME');

function retry(what, fn) {
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${e.message}`);
      print(`waiting for ${what}: ${e.message}`);
      sleep(2000);
    }
  }
}

const uri = `mongodb://${encodeURIComponent(rootUser)}:${encodeURIComponent(rootPassword)}@${MEMBERS[0]}/admin?directConnection=true&authSource=admin`;
const admin = retry('mongo1 to accept the root user', () => {
  const conn = new Mongo(uri);
  const db = conn.getDB('admin');
  db.runCommand({ ping: 1 });
  return db;
});

let initiated = false;
try {
  admin.adminCommand({ replSetGetStatus: 1 });
  initiated = true;
} catch (e) {
  // 94 NotYetInitialized: no replica set config has been received yet.
  if (e.code !== 94 && e.codeName !== 'NotYetInitialized') throw e;
}
if (initiated) {
  print(`replica set ${RS} already initiated`);
} else {
  // mongo1 gets a higher priority so that it is the primary in the normal case, which
  // keeps the published host port (mongo1) pointed at the writable member.
  const config = { _id: RS, members: MEMBERS.map((host, i) => ({ _id: i, host, priority: i === 0 ? 2 : 1 })) };
  admin.adminCommand({ replSetInitiate: config });
  print(`replica set ${RS} initiated with ${MEMBERS.join(', ')}`);
}

retry('a primary', () => {
  const hello = admin.adminCommand({ hello: 1 });
  if (!hello.isWritablePrimary) throw new Error(`mongo1 is not primary yet (primary: ${hello.primary || 'none'})`);
});
retry('all members to be PRIMARY or SECONDARY', () => {
  const status = admin.adminCommand({ replSetGetStatus: 1 });
  const lagging = status.members.filter((m) => m.state !== 1 && m.state !== 2).map((m) => `${m.name}=${m.stateStr}`);
  if (lagging.length) throw new Error(lagging.join(', '));
});

// proofline needs: read/write and collection admin (validators, indexes, renames) on
// its database and on the scratch database of the capability probe; clusterMonitor for
// replSetGetStatus, serverStatus and getLog. Not root.
const roles = [
  { role: 'readWrite', db: appDb },
  { role: 'dbAdmin', db: appDb },
  { role: 'readWrite', db: '_proofline_probe' },
  { role: 'dbAdmin', db: '_proofline_probe' },
  { role: 'clusterMonitor', db: 'admin' },
];
const existing = admin.runCommand({ usersInfo: appUser }).users;
if (existing && existing.length) {
  admin.runCommand({ updateUser: appUser, pwd: appPassword, roles, writeConcern: { w: 'majority' } });
  print(`user ${appUser} updated`);
} else {
  admin.runCommand({ createUser: appUser, pwd: appPassword, roles, writeConcern: { w: 'majority' } });
  print(`user ${appUser} created`);
}
print(`replica set ${RS} ready`);
