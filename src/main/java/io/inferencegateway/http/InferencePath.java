package io.inferencegateway.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The path of an inference route, read without the router: the protocol's
 * {@code /v2/models/{name}[/versions/{version}]/infer} and the named-feature
 * {@code /v1/models/{name}:predict}. {@code template} is the route's name in metrics and logs;
 * {@code version} is null when the path names none.
 */
record InferencePath(String template, boolean predict, String name, String version) {

  static final String INFER = "/v2/models/:name/infer";
  static final String VERSION_INFER = "/v2/models/:name/versions/:version/infer";
  static final String PREDICT = "/v1/models/:name:predict";

  private static final String MODELS = "/v2/models/";
  private static final String INFER_END = "/infer";
  private static final String VERSIONS = "/versions/";
  private static final String V1_MODELS = "/v1/models/";
  private static final String PREDICT_END = ":predict";

  /** The inference route {@code path} names; null when it names none. */
  static InferencePath of(String path) {
    try {
      if (path.startsWith(MODELS) && path.endsWith(INFER_END)) {
        String between = path.substring(MODELS.length(), path.length() - INFER_END.length());
        int versions = between.indexOf(VERSIONS);
        if (versions < 0) {
          return segment(between, '/') ? new InferencePath(INFER, false, decode(between), null)
              : null;
        }
        String name = between.substring(0, versions);
        String version = between.substring(versions + VERSIONS.length());
        return segment(name, '/') && segment(version, '/')
            ? new InferencePath(VERSION_INFER, false, decode(name), decode(version)) : null;
      }
      if (path.startsWith(V1_MODELS) && path.endsWith(PREDICT_END)) {
        String name = path.substring(V1_MODELS.length(), path.length() - PREDICT_END.length());
        return segment(name, ':') ? new InferencePath(PREDICT, true, decode(name), null) : null;
      }
    } catch (IllegalArgumentException e) {
      // A malformed %-escape: no route of ours; the router answers 400.
    }
    return null;
  }

  /** One non-empty path segment, without {@code '/'} and without {@code also}. */
  private static boolean segment(String text, char also) {
    return !text.isEmpty() && text.indexOf('/') < 0 && text.indexOf(also) < 0;
  }

  private static String decode(String segment) {
    return segment.indexOf('%') < 0 ? segment : QueryStringDecoder.decodeComponent(segment);
  }
}
