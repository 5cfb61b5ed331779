import { ApiTransport, type ApiClientOptions } from './api-transport';
import {
  apiTokenListSchema,
  apiTokenSchema,
  createdApiTokenSchema,
  whoAmISchema,
  type ApiTokenView,
  type CreatedApiToken,
  type WhoAmI,
} from '../src/protocol/api';

/** The API token endpoints (`/api/tokens`, README "Tokens and roles"), beside ApiClient. */
export class TokensApi {
  private readonly http: ApiTransport;

  constructor(options: ApiClientOptions) {
    this.http = new ApiTransport(options);
  }

  create(body: { name: string; role: string }): Promise<CreatedApiToken> {
    return this.http.request({
      method: 'POST',
      path: '/api/tokens',
      body,
      schema: createdApiTokenSchema,
    });
  }

  async list(): Promise<ApiTokenView[]> {
    const list = await this.http.request({
      method: 'GET',
      path: '/api/tokens',
      schema: apiTokenListSchema,
    });
    return list.items;
  }

  revoke(id: string): Promise<ApiTokenView> {
    return this.http.request({
      method: 'DELETE',
      path: `/api/tokens/${encodeURIComponent(id)}`,
      schema: apiTokenSchema,
    });
  }

  whoAmI(): Promise<WhoAmI> {
    return this.http.request({ method: 'GET', path: '/api/tokens/me', schema: whoAmISchema });
  }
}
