// What the tests need from an emulator seed file; same choices as scripts/seed_info.py.
import { readFileSync } from 'node:fs';

function firstPool(path) {
  const pool = JSON.parse(readFileSync(path, 'utf8')).pools?.[0];
  if (!pool?.id) throw new Error(`${path}: no pool with a fixed id`);
  return pool;
}

export function demoConfig(path) {
  const pool = firstPool(path);
  const client = (pool.clients ?? []).find((c) => c.id && !c.secret && !c.generateSecret);
  if (!client) throw new Error(`${path}: no app client with a fixed id and no secret`);
  return { userPoolId: pool.id, clientId: client.id };
}

export function demoCredentials(path) {
  const user = (firstPool(path).users ?? []).find(
    (u) => u.password && (u.status ?? 'CONFIRMED') === 'CONFIRMED' && u.enabled !== false,
  );
  if (!user) throw new Error(`${path}: no confirmed user with a password`);
  return { username: user.username, password: user.password };
}
