import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * API tokens per person with a role (README "Tokens and roles"). The secret is never stored:
 * `secret_hash` is its SHA-256, unique, and the one column a request is looked up by. A
 * revoked token keeps its row (who had access, until when). The first-start token is not here.
 */
export class ApiTokens1764500000000 implements MigrationInterface {
  name = 'ApiTokens1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'secret_hash', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'bigint' },
          { name: 'last_used_at', type: 'bigint', isNullable: true },
          { name: 'revoked_at', type: 'bigint', isNullable: true },
        ],
        indices: [{ columnNames: ['secret_hash'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('api_tokens');
  }
}
