package org.backprop4j.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * A tree reduction that adds the partitions' results in partition order, at every level, so that
 * a float sum comes out with the same bits on every run.
 *
 * <p>Why not Spark's own: {@code treeReduce}, {@code reduce} and {@code fold} merge the results at the
 * driver in the order the driver receives them, and its result-getter threads (four) can hand two
 * results over in either order even when the tasks ran one after the other; the shuffle of a tree
 * level fetches in arrival order too. With three partitions, (g₀ + g₂) + g₁ instead of (g₀ + g₁) + g₂
 * changes the last bits of ΔW — and a run resumed from a checkpoint, or run again, no longer ended
 * with the same weights (ClusterIT caught it once in about ten runs, 2026-11-30). Float addition is
 * not associative; only a fixed order gives fixed bits.
 *
 * <p>The tree has Spark's shape: each partition reduces its own elements in order; while a level
 * saves wall-clock time (Spark's rule: more than {@code scale + ⌈partitions / scale⌉} results, with
 * {@code scale = max(⌈partitions^(1/depth)⌉, 2)}), contiguous runs of results are added in a shuffle,
 * each run in index order; the driver adds the last level's results in index order. The traffic is
 * Spark's: one result per partition crosses the network at each level.
 */
final class OrderedReduce {
    private OrderedReduce() {
    }

    /**
     * The elements of {@code rdd} added with {@code add}: within a partition in its order, then the
     * partitions' results in partition order, through a tree of at most {@code depth} levels (≥ 1).
     * {@code add} may modify and return its first argument.
     *
     * @throws UnsupportedOperationException if {@code rdd} has no element (as Spark's reduce)
     */
    static <T> T treeReduce(JavaRDD<T> rdd, Function2<T, T, T> add, int depth) {
        if (depth < 1) throw new IllegalArgumentException("tree depth must be at least 1, got " + depth);
        JavaPairRDD<Integer, T> level = JavaPairRDD.fromJavaRDD(rdd.mapPartitionsWithIndex((p, it) -> {
            List<Tuple2<Integer, T>> out = new ArrayList<>(1);
            if (it.hasNext()) out.add(new Tuple2<>(p, inOrder(it, add)));
            return out.iterator();
        }, true));
        int results = rdd.getNumPartitions();
        int scale = Math.max((int) Math.ceil(Math.pow(results, 1.0 / depth)), 2);
        while (results > scale + Math.ceil((double) results / scale)) {
            int from = results, groups = results / scale;
            level = level.mapToPair(r -> new Tuple2<>(Math.toIntExact((long) r._1() * groups / from), r))
                    .groupByKey(new HashPartitioner(groups))
                    .mapToPair(g -> new Tuple2<>(g._1(), sumByIndex(g._2(), add)));
            results = groups;
        }
        List<Tuple2<Integer, T>> last = level.collect();
        if (last.isEmpty()) throw new UnsupportedOperationException("empty collection");
        try {
            return sumByIndex(last, add);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {                         // Function2 may throw anything; ours do not
            throw new IllegalStateException(e);
        }
    }

    private static <T> T inOrder(Iterator<T> it, Function2<T, T, T> add) throws Exception {
        T sum = it.next();
        while (it.hasNext()) sum = add.call(sum, it.next());
        return sum;
    }

    /** The results added in the order of their indices (a shuffle or collect may hand them over in any order). */
    private static <T> T sumByIndex(Iterable<Tuple2<Integer, T>> results, Function2<T, T, T> add) throws Exception {
        List<Tuple2<Integer, T>> sorted = new ArrayList<>();
        results.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(Tuple2::_1));
        Iterator<T> values = sorted.stream().map(Tuple2::_2).iterator();
        return inOrder(values, add);
    }
}
