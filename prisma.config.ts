// Prisma 7 reads the database URL from here, not from schema.prisma. The URL is only needed by
// the migrate/introspect commands; `prisma generate` runs without one, so a fresh `npm ci`
// (postinstall) works with no database configured.
import { existsSync } from 'node:fs';
import { defineConfig } from 'prisma/config';

// Prisma 7 no longer loads .env by itself; Node can, without a dotenv dependency.
if (existsSync('.env')) process.loadEnvFile('.env');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
