import pg from 'pg';
import { createLogger, loadScriptConfig } from '@partner-graph/platform';
import { signDevToken } from '@partner-graph/platform';
import { databaseServer } from './database-server.js';

/** `npm run token -- <email> [ttl seconds]`: prints a development JWT for a partner user. */
const [email, ttl] = process.argv.slice(2);
if (!email) {
  console.error('Usage: npm run token -- <email> [ttlSeconds]   e.g. npm run token -- admin@contoso-partner.example');
  process.exit(2);
}
const config = loadScriptConfig();
const server = await databaseServer(config, createLogger('token', 'warn'), { reuseRunning: true });
const client = new pg.Client({ connectionString: server.urls.partner });
let subject: string | undefined;
try {
  await client.connect();
  const rows = await client.query<{ subject: string; active: boolean }>(
    'SELECT subject, active FROM partner_user WHERE lower(email) = lower($1)',
    [email],
  );
  if (!rows.rows[0]) {
    console.error(
      `No partner user ${email}. Demo users: admin@, agent@, helpdesk@, sales@contoso-partner.example and admin@fabrikam-resellers.example (run npm start or npm run seed first).`,
    );
    process.exitCode = 1;
  } else if (!rows.rows[0].active) {
    console.error(`${email} is deactivated.`);
    process.exitCode = 1;
  } else {
    subject = rows.rows[0].subject;
  }
} finally {
  await client.end().catch(() => {});
  await server.stop();
}
if (subject) {
  const token = await signDevToken(subject, {
    secret: config.AUTH_JWT_SECRET,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    ttlSeconds: ttl ? Number(ttl) : 3600,
  });
  console.log(token);
}
