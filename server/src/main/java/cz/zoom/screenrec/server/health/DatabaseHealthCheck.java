package cz.zoom.screenrec.server.health;

import cz.zoom.screenrec.server.storage.Database;

/** The metadata database answers. */
public final class DatabaseHealthCheck implements HealthCheck {
  private final Database database;

  public DatabaseHealthCheck(Database database) {
    this.database = database;
  }

  @Override
  public String name() {
    return "database";
  }

  @Override
  public Result check() {
    return database.isHealthy()
        ? Result.up("connection valid")
        : Result.down("no valid connection");
  }
}
