import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import {
  AppExistsError,
  AppInUseError,
  AppNotFoundError,
  ImageRejectedError,
  InvalidInputError,
} from '../common/domain-error';
import { signManifest } from '../protocol/manifest';
import { stopPythonChecks } from '../guest-scripts/python-check';
import { validatePayload, type PayloadCheck } from './domain/validate-payload';
import type { VmKind } from '../protocol';
import { AppsRepository, type SignedApp } from './apps.repository';
import { BlobStore } from './blob-store';
import { manifestFor, type App, type AppFilter } from './domain/app';
import { appOrigin, resolveNeeds } from './domain/app-rules';
import type { UploadAppInput } from './dto/app.dto';
import { SigningKeyService } from './signing-key.service';

/**
 * Names whoever still relies on an app (deployments, devices running it); an app with
 * users cannot be deleted. Features register theirs with `AppsService.addUsageCheck`.
 */
export type AppUsageCheck = (app: App) => Promise<string[]>;

@Injectable()
export class AppsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Apps');
  private readonly usageChecks: AppUsageCheck[] = [];
  /** Uploads and deletes run one at a time: sequence numbers and shared blobs stay consistent. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: AppsRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    private readonly signing: SigningKeyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.exclusive(() => this.resignNonStandardManifests());
  }

  /** The Python upload check's worker thread ends with the gateway. */
  onApplicationShutdown(): void {
    stopPythonChecks();
  }

  /**
   * Gateways before the RFC 9052 fix signed a Sig_structure with a tagged external_aad
   * (`d8 40 40`) over a manifest with a tagged sha256 and a float createdAt; standard
   * verifiers (and the RIOT firmware) refuse those. Ed25519 is deterministic, so signing
   * an app again gives the stored bytes back unless they were of the old form: those are
   * replaced, once, with the same facts and sequence. Apps signed by another key are left
   * as they are (their key is not here to sign with).
   */
  private async resignNonStandardManifests(): Promise<void> {
    let replaced = 0;
    for await (const { app, manifest } of this.repo.manifests()) {
      if (app.kid !== this.signing.key.kid) continue;
      const fresh = this.sign(app).manifest;
      if (Buffer.from(fresh).equals(Buffer.from(manifest))) continue;
      await this.repo.replaceManifest(app.name, app.version, fresh);
      replaced++;
    }
    if (replaced) this.logger.log(`re-signed ${replaced} manifests in the RFC 9052 form`);
  }

  /** Validates the payload for its VM kind, stores it and signs its manifest. */
  async upload(
    input: UploadAppInput,
    payload: Uint8Array | undefined,
    options: { quiet?: boolean } = {},
  ): Promise<App> {
    if (!payload) {
      throw new InvalidInputError('file: missing; send the payload as the multipart file "file"', [
        'file: required',
      ]);
    }
    const check = await validatePayload(input.vm, payload);
    if (!check.ok) throw rejection(input.vm, check);
    const needs = resolveNeeds(check.needs, input);
    const app = await this.exclusive(async () => {
      if (await this.repo.exists(input.name, input.version)) {
        throw new AppExistsError(input.name, input.version);
      }
      const sha256 = await this.blobs.put(payload);
      const draft = { name: input.name, version: input.version, vm: input.vm, needs, sha256 };
      try {
        return await this.repo.insertNext((sequence) =>
          this.sign({
            ...draft,
            size: payload.length,
            sequence,
            kid: this.signing.key.kid,
            createdAt: Date.now(),
          }),
        );
      } catch (err) {
        await this.dropBlobIfUnused(sha256);
        // Another gateway on the same database may have published it meanwhile.
        if (await this.repo.exists(input.name, input.version)) {
          throw new AppExistsError(input.name, input.version);
        }
        throw err;
      }
    });
    const line = `published ${app.name}@${app.version} (${app.vm}, seq ${app.sequence})`;
    if (options.quiet) this.logger.debug(line);
    else this.logger.log(line);
    return app;
  }

  async get(name: string, version: string): Promise<App> {
    const app = await this.repo.find(name, version);
    if (!app) throw new AppNotFoundError(name, version);
    return app;
  }

  async list(filter: AppFilter): Promise<App[]> {
    const apps = await this.repo.list(filter);
    const { origin } = filter;
    return origin ? apps.filter((a) => appOrigin(a.name) === origin) : apps;
  }

  async payload(name: string, version: string): Promise<{ app: App; bytes: Uint8Array }> {
    const app = await this.get(name, version);
    return { app, bytes: await this.blobs.get(app.sha256) };
  }

  /** The signed manifest (COSE_Sign1) exactly as it was signed at upload. */
  async manifest(name: string, version: string): Promise<Uint8Array> {
    const manifest = await this.repo.manifestOf(name, version);
    if (!manifest) throw new AppNotFoundError(name, version);
    return manifest;
  }

  /** Deletes the app, and its payload blob once no other app uses the same bytes. */
  async remove(name: string, version: string): Promise<void> {
    await this.exclusive(async () => {
      const app = await this.get(name, version);
      const users = (await Promise.all(this.usageChecks.map((check) => check(app)))).flat();
      if (users.length) throw new AppInUseError(name, version, users);
      if (!(await this.repo.delete(name, version))) throw new AppNotFoundError(name, version);
      await this.dropBlobIfUnused(app.sha256);
    });
    this.logger.log(`deleted ${name}@${version}`);
  }

  addUsageCheck(check: AppUsageCheck): void {
    this.usageChecks.push(check);
  }

  signingKey() {
    return this.signing.describe();
  }

  private sign(app: App): SignedApp {
    const { privateKey, kid } = this.signing.key;
    return { app, manifest: signManifest(manifestFor(app), privateKey, kid) };
  }

  private async dropBlobIfUnused(sha256: string): Promise<void> {
    if ((await this.repo.countBySha256(sha256)) === 0) await this.blobs.delete(sha256);
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function rejection(vm: VmKind, check: Extract<PayloadCheck, { ok: false }>): ImageRejectedError {
  switch (check.code) {
    case 'image_rejected':
      return new ImageRejectedError(check.code, `not a valid ${vm} payload: ${check.reason}`);
    case 'unsupported_vm':
      return new ImageRejectedError(check.code, `cannot accept ${vm} apps yet: ${check.reason}`);
  }
}
