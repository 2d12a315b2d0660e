package dev.sluice.engine.sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpillingGrouperTest {

  @TempDir File spillDir;

  @ParameterizedTest(name = "budget={0} fanIn={1} pairs={2} keys={3}")
  @CsvSource({
    "1024, 3, 2500, 300",
    "4096, 2, 8000, 50",
    "65536, 64, 20000, 5000",
    "300, 4, 1000, 1000",
    "100000000, 64, 20000, 1000",
  })
  void shouldGroupLikeTreeMapReference(long budget, int fanIn, int pairs, int keys)
      throws IOException {
    Random random = new Random(budget * 31 + pairs);
    TreeMap<byte[], List<String>> expected = new TreeMap<>(ByteArrayComparator.INSTANCE);
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, budget, fanIn)) {
      byte[][] keyPool = new byte[keys][];
      for (int i = 0; i < keys; i++) {
        keyPool[i] = randomBytes(random, random.nextInt(12));
      }
      for (int i = 0; i < pairs; i++) {
        byte[] key = keyPool[random.nextInt(keys)];
        byte[] value = randomBytes(random, random.nextInt(40));
        grouper.add(key, value);
        expected.computeIfAbsent(key, k -> new ArrayList<>()).add(Arrays.toString(value));
      }
      if (budget < 100_000) {
        assertThat(grouper.spillCount()).isGreaterThan(1);
        assertThat(grouper.spilledBytes()).isPositive();
      } else {
        assertThat(grouper.spillCount()).isZero();
      }
      assertThat(readAll(grouper)).isEqualTo(normalize(expected));
    }
    assertThat(spillDir.list()).isEmpty();
  }

  /** Keys longer than the 8-byte sort prefix that share it, so full comparisons decide. */
  @Test
  void shouldGroupKeysSharingLongPrefixes() throws IOException {
    Random random = new Random(3);
    TreeMap<byte[], List<String>> expected = new TreeMap<>(ByteArrayComparator.INSTANCE);
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 4096, 4)) {
      for (int i = 0; i < 8_000; i++) {
        String suffix = Integer.toString(random.nextInt(500), 36);
        byte[] key = ("common-prefix/" + suffix).getBytes(StandardCharsets.UTF_8);
        if (random.nextBoolean()) {
          key = Arrays.copyOf(key, key.length + 1); // same key plus a zero byte
        }
        byte[] value = intBytes(i);
        grouper.add(key, value);
        expected.computeIfAbsent(key, k -> new ArrayList<>()).add(Arrays.toString(value));
      }
      assertThat(grouper.spillCount()).isGreaterThan(10);
      assertThat(readAll(grouper)).isEqualTo(normalize(expected));
    }
  }

  @Test
  void shouldReturnNoGroupsForEmptyInput() throws IOException {
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 1024);
        SpillingGrouper.GroupCursor cursor = grouper.groups()) {
      assertThat(cursor.next()).isFalse();
      assertThat(grouper.spillCount()).isZero();
    }
  }

  @Test
  void shouldStreamSingleHugeGroup() throws IOException {
    int n = 200_000;
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 64 * 1024, 8)) {
      byte[] key = "the-one-key".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < n; i++) {
        grouper.add(key, intBytes(i));
      }
      assertThat(grouper.spillCount()).isGreaterThan(8);
      try (SpillingGrouper.GroupCursor cursor = grouper.groups()) {
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.key()).isEqualTo(key);
        boolean[] seen = new boolean[n];
        int count = 0;
        for (Iterator<byte[]> values = cursor.values(); values.hasNext(); ) {
          int v = readInt(values.next());
          assertThat(seen[v]).as("value %s seen twice", v).isFalse();
          seen[v] = true;
          count++;
        }
        assertThat(count).isEqualTo(n);
        assertThat(cursor.next()).isFalse();
      }
    }
  }

  @Test
  void shouldOrderKeysThatArePrefixesOfOthers() throws IOException {
    byte[][] keys = {
      {}, {0}, {0, 0}, {1}, {1, 2}, {1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 3, 4, 5, 6, 7, 8, 0},
      {1, 2, 3, 4, 5, 6, 7, 8, 9}, {(byte) 0x7F}, {(byte) 0x80}, {(byte) 0xFF}, {(byte) 0xFF, 0},
    };
    for (long budget : new long[] {64, 1 << 20}) {
      try (SpillingGrouper grouper = new SpillingGrouper(spillDir, budget)) {
        // Add in reverse order, twice, so sorting and merging both matter.
        for (int round = 0; round < 2; round++) {
          for (int i = keys.length - 1; i >= 0; i--) {
            grouper.add(keys[i], new byte[] {(byte) round});
          }
        }
        try (SpillingGrouper.GroupCursor cursor = grouper.groups()) {
          for (byte[] key : keys) {
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.key()).isEqualTo(key);
            List<Byte> values = new ArrayList<>();
            cursor.values().forEachRemaining(v -> values.add(v[0]));
            assertThat(values).containsExactlyInAnyOrder((byte) 0, (byte) 1);
          }
          assertThat(cursor.next()).isFalse();
        }
      }
    }
  }

  @Test
  void shouldSkipUnreadValuesOnNext() throws IOException {
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 1024, 3)) {
      for (int i = 0; i < 1500; i++) {
        grouper.add(intBytes(i % 10), intBytes(i));
      }
      try (SpillingGrouper.GroupCursor cursor = grouper.groups()) {
        int groups = 0;
        while (cursor.next()) {
          if (groups % 2 == 0) {
            Iterator<byte[]> values = cursor.values();
            values.next(); // read one value only
          }
          assertThat(readInt(cursor.key())).isEqualTo(groups);
          groups++;
        }
        assertThat(groups).isEqualTo(10);
      }
    }
  }

  @Test
  void shouldRejectSecondValuesCallAndStaleIterator() throws IOException {
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 1 << 20)) {
      grouper.add(intBytes(1), intBytes(1));
      grouper.add(intBytes(2), intBytes(2));
      SpillingGrouper.GroupCursor cursor = grouper.groups();
      assertThatThrownBy(cursor::key).isInstanceOf(IllegalStateException.class);
      assertThat(cursor.next()).isTrue();
      Iterator<byte[]> first = cursor.values();
      assertThatThrownBy(cursor::values).isInstanceOf(IllegalStateException.class);
      assertThat(cursor.next()).isTrue();
      assertThatThrownBy(first::hasNext).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> grouper.add(intBytes(3), intBytes(3)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldAcceptPairLargerThanBudget() throws IOException {
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 1000)) {
      byte[] big = new byte[10_000];
      Arrays.fill(big, (byte) 7);
      grouper.add(intBytes(2), intBytes(0));
      grouper.add(intBytes(1), big);
      grouper.add(intBytes(1), intBytes(5));
      grouper.add(intBytes(1), big);
      Map<String, List<String>> groups = readAll(grouper);
      assertThat(groups.keySet()).containsExactly(Arrays.toString(intBytes(1)), Arrays.toString(intBytes(2)));
      assertThat(groups.get(Arrays.toString(intBytes(1))))
          .containsExactlyInAnyOrder(Arrays.toString(big), Arrays.toString(big), Arrays.toString(intBytes(5)));
      assertThat(grouper.spillCount()).isGreaterThan(0);
    }
  }

  @Test
  void shouldCopyInputArrays() throws IOException {
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 1 << 20)) {
      byte[] key = {1};
      byte[] value = {2};
      grouper.add(key, value);
      key[0] = 9;
      value[0] = 9;
      try (SpillingGrouper.GroupCursor cursor = grouper.groups()) {
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.key()).containsExactly(1);
        assertThat(cursor.values().next()).containsExactly(2);
      }
    }
  }

  @Test
  void shouldDeleteSpillFilesOnCloseMidway() throws IOException {
    SpillingGrouper grouper = new SpillingGrouper(spillDir, 256, 4);
    for (int i = 0; i < 2000; i++) {
      grouper.add(intBytes(i % 97), intBytes(i));
    }
    assertThat(spillDir.list()).isNotEmpty();
    SpillingGrouper.GroupCursor cursor = grouper.groups();
    assertThat(cursor.next()).isTrue();
    cursor.values().next();
    // Abandon the iteration without closing the cursor, as a failing operator would.
    grouper.close();
    assertThat(spillDir.list()).isEmpty();
    grouper.close(); // idempotent
  }

  @Test
  void shouldDeleteSpillFilesWhenClosedBeforeGroups() throws IOException {
    SpillingGrouper grouper = new SpillingGrouper(spillDir, 256);
    for (int i = 0; i < 500; i++) {
      grouper.add(intBytes(i), intBytes(i));
    }
    assertThat(grouper.spillCount()).isPositive();
    grouper.close();
    assertThat(spillDir.list()).isEmpty();
  }

  /**
   * About 100 MB of pairs through an 8 MB budget. The data is generated, never held, and
   * checked per key by count and sum, so the test itself stays small in heap.
   */
  @Test
  void shouldGroupHundredMegabytesWithSmallBudget() throws IOException {
    int keys = 50_000;
    int pairs = 1_000_000;
    long[] expectedCount = new long[keys];
    long[] expectedSum = new long[keys];
    byte[] value = new byte[92];
    try (SpillingGrouper grouper = new SpillingGrouper(spillDir, 8L << 20)) {
      Random random = new Random(42);
      for (int i = 0; i < pairs; i++) {
        int k = random.nextInt(keys);
        int payload = random.nextInt();
        writeInt(value, payload);
        grouper.add(("word-" + k).getBytes(StandardCharsets.UTF_8), value);
        expectedCount[k]++;
        expectedSum[k] += payload;
      }
      assertThat(grouper.spillCount()).isGreaterThan(5);
      assertThat(grouper.spilledBytes()).isGreaterThan(80L << 20);
      long[] count = new long[keys];
      long[] sum = new long[keys];
      byte[] previous = null;
      int groups = 0;
      try (SpillingGrouper.GroupCursor cursor = grouper.groups()) {
        while (cursor.next()) {
          byte[] key = cursor.key();
          if (previous != null) {
            assertThat(ByteArrayComparator.INSTANCE.compare(previous, key)).isNegative();
          }
          previous = key;
          int k = Integer.parseInt(new String(key, StandardCharsets.UTF_8).substring(5));
          for (Iterator<byte[]> values = cursor.values(); values.hasNext(); ) {
            byte[] v = values.next();
            count[k]++;
            sum[k] += readInt(v);
          }
          groups++;
        }
      }
      assertThat(groups).isEqualTo((int) Arrays.stream(expectedCount).filter(c -> c > 0).count());
      assertThat(count).isEqualTo(expectedCount);
      assertThat(sum).isEqualTo(expectedSum);
    }
    assertThat(spillDir.list()).isEmpty();
  }

  private static Map<String, List<String>> readAll(SpillingGrouper grouper) throws IOException {
    Map<String, List<String>> result = new java.util.LinkedHashMap<>();
    try (SpillingGrouper.GroupCursor cursor = grouper.groups()) {
      while (cursor.next()) {
        List<String> values = new ArrayList<>();
        cursor.values().forEachRemaining(v -> values.add(Arrays.toString(v)));
        values.sort(null);
        String key = Arrays.toString(cursor.key());
        assertThat(result).doesNotContainKey(key);
        result.put(key, values);
      }
    }
    return result;
  }

  private static Map<String, List<String>> normalize(TreeMap<byte[], List<String>> expected) {
    Map<String, List<String>> result = new java.util.LinkedHashMap<>();
    expected.forEach(
        (k, v) -> {
          List<String> sorted = new ArrayList<>(v);
          sorted.sort(null);
          result.put(Arrays.toString(k), sorted);
        });
    return result;
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] intBytes(int v) {
    byte[] b = new byte[4];
    writeInt(b, v);
    return b;
  }

  private static void writeInt(byte[] b, int v) {
    b[0] = (byte) (v >>> 24);
    b[1] = (byte) (v >>> 16);
    b[2] = (byte) (v >>> 8);
    b[3] = (byte) v;
  }

  private static int readInt(byte[] b) {
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }
}
