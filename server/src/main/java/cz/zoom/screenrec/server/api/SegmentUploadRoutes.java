package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.upload.SegmentIntake;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Media Upload Server's route: {@code PUT /mus/v1/recordings/{id}/segments/{index}}, 201 for a
 * segment stored now, 200 for one stored before; {@link SegmentIntake} holds the rules.
 */
public final class SegmentUploadRoutes implements HttpApi.Routes {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_INDEX = 1_000_000;

  private final SegmentIntake intake;

  public SegmentUploadRoutes(SegmentIntake intake) {
    this.intake = intake;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.put("/mus/v1/recordings/{id}/segments/{index}", this::put, Access.UPLOAD_TOKEN);
  }

  private void put(Context ctx) throws IOException {
    String id = HttpApi.recordingId(ctx);
    int index = index(ctx.pathParam("index"));
    String token = bearer(ctx);
    String sha = ctx.header("X-Segment-Sha256");
    if (sha == null || !SHA256.matcher(sha).matches()) {
      throw ApiException.badRequest(
          "X-Segment-Sha256 must be the lower-case hex SHA-256 of the body");
    }
    boolean last = "true".equalsIgnoreCase(ctx.header("X-Segment-Final"));
    SegmentIntake.Upload upload =
        new SegmentIntake.Upload(id, index, token, sha, last, ctx.req().getContentLengthLong());
    if (intake.receive(upload, ctx::bodyInputStream) == SegmentIntake.Stored.NEW) {
      ctx.status(201).json(Map.of("recordingId", id, "index", index, "stored", "new"));
    } else {
      ctx.status(200).json(Map.of("recordingId", id, "index", index, "stored", "already"));
    }
  }

  private static int index(String text) {
    try {
      int i = Integer.parseInt(text);
      if (i >= 0 && i <= MAX_INDEX) {
        return i;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the same answer as an out-of-range index
    }
    throw ApiException.badRequest("segment index must be a whole number 0.." + MAX_INDEX);
  }

  private static String bearer(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null || !h.startsWith("Bearer ") || h.length() > 1024) {
      throw new ApiException(
          401, "unauthorized", "send Authorization: Bearer <upload token from START>");
    }
    return h.substring("Bearer ".length());
  }
}
