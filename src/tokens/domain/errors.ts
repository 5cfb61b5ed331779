import { NotFoundError } from '../../common/domain-error';

export class ApiTokenNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('token_not_found', `no API token "${id}"; list them with GET /api/tokens`);
  }
}
