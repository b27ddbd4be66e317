/**
 * A chat app installed in a workspace through its platform's OAuth ("Add to Slack"): where the
 * install is, and what the platform handed over (tokens included) as opaque text the channel
 * writes and reads. Storage keeps `secret` encrypted at rest; the core never looks inside it.
 */
export interface WorkspaceInstallation {
  /** The enterprise id for an org-wide install, else the workspace (team) id. */
  key: string;
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  orgWide: boolean;
  secret: string;
  /** The platform's id of the user who installed it (Slack's `authed_user`), when it says. */
  installedBy?: string | undefined;
}

/** Where installs are kept (`slack_installations`). */
export interface WorkspaceInstallations {
  /** Adds the install, or replaces the one with the same key (a reinstall, new scopes). */
  save(installation: WorkspaceInstallation): Promise<void>;
  find(key: string): Promise<WorkspaceInstallation | undefined>;
  /**
   * The install that serves a tenant as accounts record it (a team id, or an Enterprise Grid org
   * id): the install with that key (an org id's is its org-wide install; a workspace of a Grid org
   * installed on its own serves its own team id only).
   */
  forTenant(tenant: string): Promise<WorkspaceInstallation | undefined>;
  /** Forgets the install (uninstalled, or its bot token revoked); true if there was one. */
  remove(key: string): Promise<boolean>;
}

/** An install as an administrator sees it: where it is, since when, and which schools it serves; never its tokens. */
export interface InstallationSummary {
  key: string;
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  orgWide: boolean;
  installedAt: Date;
  /** The schools that record this workspace or org (`trellis school set --slack-team`); none means it is not set up. */
  schools: string[];
}

/** What `trellis slack installs` reads and removes: no token is opened, so no encryption key is needed. */
export interface InstallationDirectory {
  list(): Promise<InstallationSummary[]>;
  /** Forgets the install; true if there was one. */
  remove(key: string): Promise<boolean>;
}
