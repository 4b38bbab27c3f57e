package cz.zoom.screenrec.server.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * The WHERE clause of a search: an AND of conditions, each left out when its value is null (the
 * caller did not filter by it). Column names come from code, values always travel as parameters.
 */
public final class Filter {
  private final StringBuilder where = new StringBuilder(" WHERE 1 = 1");
  private final List<Object> params = new ArrayList<>();

  public Filter equal(String column, Object value) {
    return add(column + " = ?", value);
  }

  public Filter atLeast(String column, Object value) {
    return add(column + " >= ?", value);
  }

  public Filter atMost(String column, Object value) {
    return add(column + " <= ?", value);
  }

  /** {@code " WHERE ..."}, to follow {@code SELECT ... FROM table}. */
  public String sql() {
    return where.toString();
  }

  public Object[] params() {
    return params.toArray();
  }

  private Filter add(String condition, Object value) {
    if (value != null) {
      where.append(" AND ").append(condition);
      params.add(value);
    }
    return this;
  }
}
