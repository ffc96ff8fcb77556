package io.inferencegateway.config;

import java.util.Comparator;
import java.util.List;

/**
 * Which versions of a model served from the repository folder are served, as Triton words it:
 * the {@code latest} N (1 when nothing is said), {@code all}, or the {@code specific} ones listed.
 * Exactly one of the three may be given.
 */
public record VersionPolicy(Integer latest, Boolean all, List<String> specific) {

  /** Version folders in serving order: numerically, lowest first. */
  public static final Comparator<String> ORDER =
      Comparator.comparingLong((String version) -> Long.parseLong(version));

  public VersionPolicy {
    int given = (latest != null ? 1 : 0) + (all != null ? 1 : 0) + (specific != null ? 1 : 0);
    if (given > 1) {
      throw new ConfigException(null, "give only one of latest, all and specific");
    }
    if (all != null && !all) {
      throw Rules.invalid("all", "must be true when given", all);
    }
    latest = given == 0 ? Integer.valueOf(1)
        : latest == null ? null : Rules.between("latest", latest, 1, 1, 1000);
    specific = specific == null ? null : Rules.names("specific", specific);
    if (specific != null) {
      specific.forEach(version -> {
        if (!version.matches("\\d{1,18}")) {
          throw Rules.invalid("specific", "must list version folder numbers", version);
        }
      });
    }
  }

  /** The policy of a model that gives none: its latest version. */
  public static VersionPolicy latestOne() {
    return new VersionPolicy(null, null, null);
  }

  /** The versions to serve among those {@code present}, which are in {@link #ORDER}. */
  public List<String> choose(List<String> present) {
    if (Boolean.TRUE.equals(all)) {
      return present;
    }
    if (specific != null) {
      return present.stream().filter(specific::contains).toList();
    }
    return present.subList(Math.max(0, present.size() - latest), present.size());
  }
}
