package dev.sluice.engine.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.element.ElementCodec;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.TypeSerializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writer -> partition -> channel -> gate, on one thread, without tasks. */
class DataPlaneTest {

  private final LocalShuffleEnvironment shuffle = new LocalShuffleEnvironment(64, 4);
  private final JobId job = JobId.generate();
  private final AtomicInteger wakeUps = new AtomicInteger();

  @AfterEach
  void close() {
    shuffle.close();
  }

  @Test
  void shouldCarryRecordsOfAnySizeAcrossBufferBoundaries() throws IOException {
    // One thread writes and reads, so the pool must hold the largest record (1 KB in 64 B buffers).
    LocalShuffleEnvironment shuffle = new LocalShuffleEnvironment(64, 24);
    ResultPartition partition = shuffle.createResultPartition(new ResultPartitionId(job, 0, 0), 1);
    RecordWriter writer = new RecordWriter(partition, Partitioning.forward(), new BytesSerializer(), 128, 0, false);
    InputGate gate = shuffle.createInputGate(wakeUps::incrementAndGet);
    gate.addChannel(0, 0, partition.id(), 0, new BytesSerializer());
    gate.requestPartitions();

    Random random = new Random(42);
    List<byte[]> sent = new ArrayList<>();
    List<byte[]> received = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // Sizes from empty to many buffers long.
      byte[] value = new byte[random.nextInt(10) == 0 ? random.nextInt(1300) : random.nextInt(60)];
      random.nextBytes(value);
      sent.add(value);
      writer.emit(value, i);
      if (i % 7 == 0) {
        writer.broadcastWatermark(i);
      }
      drain(gate, received);
    }
    writer.finish();
    int tag;
    while ((tag = gate.pollNext(null)) != LocalInputChannel.NONE) {
      if (tag == ElementCodec.RECORD) {
        received.add((byte[]) gate.lastChannel().value());
      } else if (tag == ElementCodec.END_OF_PARTITION) {
        break;
      }
    }
    assertThat(tag).isEqualTo(ElementCodec.END_OF_PARTITION);
    assertThat(received).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      assertThat(received.get(i)).isEqualTo(sent.get(i));
    }
    assertThat(shuffle.metrics().peakBuffersInUsePerPartition()).isLessThanOrEqualTo(24);
    gate.close();
    assertThat(shuffle.partitionManager().size()).as("consumed partition unregistered").isZero();
    assertThat(shuffle.metrics().buffersInUse()).isZero();
  }

  @Test
  void shouldDeliverWatermarksInBandAndInOrder() throws IOException {
    ResultPartition partition = shuffle.createResultPartition(new ResultPartitionId(job, 0, 0), 1);
    RecordWriter writer = new RecordWriter(partition, Partitioning.forward(), new BytesSerializer(), 128, 0, false);
    InputGate gate = shuffle.createInputGate(wakeUps::incrementAndGet);
    LocalInputChannel channel = gate.addChannel(0, 0, partition.id(), 0, new BytesSerializer());
    gate.requestPartitions();
    writer.emit(new byte[] {1}, 5);
    assertThat(gate.pollNext(null)).as("not flushed yet").isEqualTo(LocalInputChannel.NONE);
    writer.broadcastWatermark(7);
    assertThat(gate.pollNext(null)).isEqualTo(ElementCodec.RECORD);
    assertThat(channel.timestamp()).isEqualTo(5);
    assertThat(gate.pollNext(null)).isEqualTo(ElementCodec.WATERMARK);
    assertThat(channel.timestamp()).isEqualTo(7);
    assertThat(gate.pollNext(null)).isEqualTo(LocalInputChannel.NONE);
  }

  @Test
  void shouldAttachAConsumerThatAskedBeforeTheProducerRegistered() throws IOException {
    ResultPartitionId id = new ResultPartitionId(job, 3, 1);
    InputGate gate = shuffle.createInputGate(wakeUps::incrementAndGet);
    LocalInputChannel channel = gate.addChannel(0, 0, id, 0, new BytesSerializer());
    gate.requestPartitions();
    assertThat(gate.pollNext(null)).isEqualTo(LocalInputChannel.NONE);

    ResultPartition partition = shuffle.createResultPartition(id, 1);
    RecordWriter writer = new RecordWriter(partition, Partitioning.forward(), new BytesSerializer(), 128, 1, false);
    int before = wakeUps.get();
    writer.emit(new byte[] {9}, 1);
    writer.flushAll();
    assertThat(wakeUps.get()).as("consumer woken by the producer's first buffer").isGreaterThan(before);
    assertThat(gate.pollNext(null)).isEqualTo(ElementCodec.RECORD);
    assertThat((byte[]) channel.value()).containsExactly(9);
  }

  @Test
  void shouldWakeAndFailAProducerBlockedOnAFullPoolWhenTheJobIsReleased() throws Exception {
    ResultPartition partition = shuffle.createResultPartition(new ResultPartitionId(job, 0, 0), 1);
    RecordWriter writer = new RecordWriter(partition, Partitioning.forward(), new BytesSerializer(), 128, 0, false);
    List<Throwable> thrown = new ArrayList<>();
    Thread producer = new Thread(() -> {
      try {
        while (true) {
          writer.emit(new byte[50], 0);
        }
      } catch (Throwable t) {
        synchronized (thrown) {
          thrown.add(t);
        }
      }
    });
    producer.start();
    awaitCondition(() -> shuffle.metrics().blockedRequesters() == 1);
    assertThat(partition.bufferPool().buffersInUse()).isEqualTo(4);
    shuffle.releaseJob(job);
    producer.join(5_000);
    assertThat(producer.isAlive()).isFalse();
    assertThat(thrown).singleElement().isInstanceOf(PartitionReleasedException.class);
  }

  @Test
  void shouldFailAConsumerWaitingForAPartitionOfAReleasedJob() {
    InputGate gate = shuffle.createInputGate(wakeUps::incrementAndGet);
    gate.addChannel(0, 0, new ResultPartitionId(job, 0, 0), 0, new BytesSerializer());
    gate.requestPartitions();
    shuffle.releaseJob(job);
    assertThat(wakeUps.get()).isPositive();
    assertThatThrownBy(() -> gate.pollNext(null)).isInstanceOf(PartitionReleasedException.class);
  }

  @Test
  void shouldKeepOrderAndContentWithConcurrentProducersAndAConsumer() throws Exception {
    // Two producer threads, one consumer thread, 64 B buffers, 4 per partition: constant
    // backpressure, records spanning buffers, and wake-ups racing with parking.
    int records = 20_000;
    Object parkLock = new Object();
    boolean[] signaled = new boolean[1];
    InputGate gate = shuffle.createInputGate(() -> {
      synchronized (parkLock) {
        signaled[0] = true;
        parkLock.notifyAll();
      }
    });
    for (int p = 0; p < 2; p++) {
      gate.addChannel(0, p, new ResultPartitionId(job, 0, p), 0, new BytesSerializer());
    }
    gate.requestPartitions();
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int producer = p;
      Thread t = new Thread(() -> {
        ResultPartition partition = shuffle.createResultPartition(new ResultPartitionId(job, 0, producer), 1);
        RecordWriter writer = new RecordWriter(partition, Partitioning.forward(), new BytesSerializer(), 128, producer, false);
        Random random = new Random(producer);
        for (int i = 0; i < records; i++) {
          writer.emit(valueOf(producer, i, random.nextInt(200)), i);
          if (i % 1000 == 0) {
            writer.broadcastWatermark(i);
          }
        }
        writer.finish();
      });
      producers.add(t);
      t.start();
    }
    int[] next = new int[2];
    int ended = 0;
    while (ended < 2) {
      int tag;
      synchronized (parkLock) {
        signaled[0] = false;
      }
      while ((tag = gate.pollNext(null)) != LocalInputChannel.NONE) {
        LocalInputChannel c = gate.lastChannel();
        int producer = c.channelIndexInInput();
        if (tag == ElementCodec.RECORD) {
          byte[] v = (byte[]) c.value();
          assertThat(v[0]).isEqualTo((byte) producer);
          assertThat(java.nio.ByteBuffer.wrap(v, 1, 4).getInt()).isEqualTo(next[producer]);
          assertThat(c.timestamp()).isEqualTo(next[producer]);
          next[producer]++;
        } else if (tag == ElementCodec.END_OF_PARTITION) {
          ended++;
        }
      }
      synchronized (parkLock) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!signaled[0] && ended < 2) {
          long left = deadline - System.currentTimeMillis();
          assertThat(left).as("woken by a producer within 10 s").isPositive();
          parkLock.wait(left);
        }
      }
    }
    for (Thread t : producers) {
      t.join(10_000);
    }
    assertThat(next).containsExactly(records, records);
    assertThat(shuffle.metrics().peakBuffersInUsePerPartition()).isLessThanOrEqualTo(4);
    assertThat(shuffle.partitionManager().size()).isZero();
  }

  private static byte[] valueOf(int producer, int i, int padding) {
    byte[] v = new byte[5 + padding];
    v[0] = (byte) producer;
    java.nio.ByteBuffer.wrap(v, 1, 4).putInt(i);
    return v;
  }

  /** A HASH edge whose serializer reports key hashes routes by them and never asks the key selector. */
  @Test
  void shouldRouteByTheKeyHashTheSerializerReports() throws IOException {
    int maxParallelism = 128;
    // One thread writes and reads: the pool holds everything written.
    LocalShuffleEnvironment shuffle = new LocalShuffleEnvironment(1024, 8);
    ResultPartition partition = shuffle.createResultPartition(new ResultPartitionId(job, 0, 0), 2);
    Partitioning byKey = Partitioning.hash(v -> {
      throw new AssertionError("the key selector must not be called");
    });
    RecordWriter writer = new RecordWriter(partition, byKey, new FirstByteKeySerializer(), maxParallelism, 0, false);
    List<InputGate> gates = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      InputGate gate = shuffle.createInputGate(wakeUps::incrementAndGet);
      gate.addChannel(0, 0, partition.id(), s, new FirstByteKeySerializer());
      gate.requestPartitions();
      gates.add(gate);
    }
    for (int key = 0; key < 40; key++) {
      writer.emit(new byte[] {(byte) key, 7}, key);
    }
    writer.finish();
    for (int s = 0; s < 2; s++) {
      List<byte[]> received = new ArrayList<>();
      drain(gates.get(s), received);
      assertThat(received).isNotEmpty();
      for (byte[] record : received) {
        int keyGroup = dev.sluice.engine.api.KeyGroupRange.assignToKeyGroup(record[0] * 1000, maxParallelism);
        assertThat(dev.sluice.engine.api.KeyGroupRange.operatorIndexForKeyGroup(maxParallelism, 2, keyGroup))
            .as("subpartition of key %s", record[0]).isEqualTo(s);
      }
      gates.get(s).close();
    }
  }

  /** Bytes as {@link BytesSerializer} writes them; the key is the first byte, its hash 1000 times that. */
  static final class FirstByteKeySerializer implements dev.sluice.engine.serde.KeyHashingSerializer<Object> {
    private final BytesSerializer bytes = new BytesSerializer();

    @Override
    public int serializeAndHashKey(Object value, OutputStream out) throws IOException {
      bytes.serialize(value, out);
      return ((byte[]) value)[0] * 1000;
    }

    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      bytes.serialize(value, out);
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      return bytes.deserialize(in);
    }
  }

  private static void drain(InputGate gate, List<byte[]> received) throws IOException {
    int tag;
    while ((tag = gate.pollNext(null)) != LocalInputChannel.NONE) {
      if (tag == ElementCodec.RECORD) {
        received.add((byte[]) gate.lastChannel().value());
      }
    }
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  static final class BytesSerializer implements TypeSerializer<Object> {
    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
      byte[] b = (byte[]) value;
      DataOutputStream d = new DataOutputStream(out);
      d.writeInt(b.length);
      d.write(b);
    }

    @Override
    public Object deserialize(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      byte[] b = new byte[d.readInt()];
      d.readFully(b);
      return b;
    }
  }
}
