/**
 * URIs that carry a secret, well-formed or not, one or several hosts. `reachable` ones
 * point at the local stack (FerretDB accepts PLAIN with the stack's trusted postgres
 * user, whatever the password), so the runs, checks and monitor really work with them and
 * write their records; the others fail in every way a URI can fail. `secrets` are the
 * strings that must appear nowhere.
 */

export interface UriCase {
  name: string;
  uri: (primaryPort: number, replicaPort: number) => string;
  secrets: string[];
  reachable?: boolean;
}

const local = (port: number): string => `127.0.0.1:${port}`;

export const URI_CASES: UriCase[] = [
  { name: 'well-formed, reachable', reachable: true, uri: (p) => `mongodb://postgres:S3cretA1x@${local(p)}/?authMechanism=PLAIN`, secrets: ['S3cretA1x'] },
  { name: 'percent-encoded @ in the password, reachable', reachable: true, uri: (p) => `mongodb://postgres:S3cret%40B2x@${local(p)}/?authMechanism=PLAIN`, secrets: ['S3cret%40B2x', 'S3cret@B2x'] },
  { name: 'percent-encoded / and : in the password, reachable', reachable: true, uri: (p) => `mongodb://postgres:S3cret%2FC3%3Ax@${local(p)}/?authMechanism=PLAIN`, secrets: ['S3cret%2FC3%3Ax', 'S3cret/C3:x'] },
  { name: 'directConnection and a password query option, reachable', reachable: true, uri: (p) => `mongodb://postgres:S3cretD4x@${local(p)}/?authMechanism=PLAIN&directConnection=true&appName=S3cretAppD4`, secrets: ['S3cretD4x'] },
  { name: 'unescaped @ in the password', uri: () => 'mongodb://u:S3cret@E5x@127.0.0.1:1/', secrets: ['S3cret@E5x', 'S3cret', 'E5x@'] },
  { name: 'unescaped / in the password', uri: () => 'mongodb://u:S3cret/F6x@127.0.0.1:1/', secrets: ['S3cret/F6x', 'F6x@'] },
  { name: 'unescaped : in the password', uri: () => 'mongodb://u:pa:S3cretG7x@127.0.0.1:1/', secrets: ['S3cretG7x'] },
  { name: 'credentials on each of several hosts', uri: () => 'mongodb://u:S3cretH8x@127.0.0.1:1,u:S3cretH8x@127.0.0.1:2/db', secrets: ['S3cretH8x'] },
  { name: 'no host', uri: () => 'mongodb://u:S3cretI9x@/db', secrets: ['S3cretI9x'] },
  { name: 'port out of range', uri: () => 'mongodb://u:S3cretJ10x@127.0.0.1:99999/', secrets: ['S3cretJ10x'] },
  { name: 'port not a number', uri: () => 'mongodb://u:S3cretK11x@127.0.0.1:abc/', secrets: ['S3cretK11x'] },
  { name: 'password as a query option', uri: () => 'mongodb://127.0.0.1:1/?authMechanism=PLAIN&password=S3cretL12x', secrets: ['S3cretL12x'] },
  { name: 'AWS session token in authMechanismProperties', uri: () => 'mongodb://127.0.0.1:1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:S3cretM13x', secrets: ['S3cretM13x'] },
  { name: 'TLS key file password', uri: () => 'mongodb://127.0.0.1:1/?tls=true&tlsCertificateKeyFilePassword=S3cretN14x', secrets: ['S3cretN14x'] },
  { name: 'broken percent-encoding in the password', uri: () => 'mongodb://u:S3cret%ZZO15x@127.0.0.1:1/', secrets: ['S3cret%ZZO15x', 'O15x'] },
  { name: 'mongodb+srv that cannot resolve', uri: () => 'mongodb+srv://u:S3cretP16x@cluster0.proofline.invalid/db', secrets: ['S3cretP16x'] },
  { name: 'no scheme', uri: () => 'u:S3cretQ17x@127.0.0.1:1/db', secrets: ['S3cretQ17x'] },
  { name: 'another scheme', uri: () => 'http://u:S3cretR18x@127.0.0.1:1/', secrets: ['S3cretR18x'] },
  { name: 'a space in the password', uri: () => 'mongodb://u:S3cret S19x@127.0.0.1:1/', secrets: ['S3cret S19x', 'S19x@'] },
  { name: 'well-formed, closed port', uri: () => 'mongodb://u:S3cretT20x@127.0.0.1:1/', secrets: ['S3cretT20x'] },
  { name: 'a token option the driver does not know', uri: () => 'mongodb://127.0.0.1:1/?token=S3cretU21x', secrets: ['S3cretU21x'] },
  { name: 'replica set of unreachable hosts with credentials', uri: () => 'mongodb://u:S3cretV22x@127.0.0.1:1,127.0.0.1:2/?replicaSet=rs0', secrets: ['S3cretV22x'] },
];
