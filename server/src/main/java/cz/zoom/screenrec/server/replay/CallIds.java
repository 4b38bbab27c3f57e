package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;

/**
 * Call ids that become path segments (media folders, peer URLs): the API's name rule, minus "." and
 * "..", which the rule lets through but which mean something else in a path.
 */
public final class CallIds {
  private CallIds() {}

  public static String check(String value) {
    HttpApi.name("call id", value);
    if (value.equals(".") || value.equals("..")) {
      throw ApiException.badRequest("call id must not be . or ..");
    }
    return value;
  }
}
