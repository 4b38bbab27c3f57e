package cz.zoom.screenrec.server.http;

import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Drops the headers some frameworks read as "treat this POST as DELETE/PUT" (Javalin's {@code
 * Context.method()} honours {@code X-HTTP-Method-Override}): the route and its access rule are
 * chosen by the request line alone, so a form post cannot become another method.
 */
final class MethodOverrideFilter extends Handler.Wrapper {
  static final List<String> HEADERS =
      List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    HttpFields headers = request.getHeaders();
    if (HEADERS.stream().noneMatch(headers::contains)) {
      return super.handle(request, response, callback);
    }
    HttpFields.Mutable kept = HttpFields.build(headers);
    HEADERS.forEach(kept::remove);
    HttpFields stripped = kept.asImmutable();
    return super.handle(
        new Request.Wrapper(request) {
          @Override
          public HttpFields getHeaders() {
            return stripped;
          }
        },
        response,
        callback);
  }
}
