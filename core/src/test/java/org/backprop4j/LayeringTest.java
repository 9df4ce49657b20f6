package org.backprop4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of core, written down as rules over its compiled classes: the library knows nothing of
 * the command line, Spark or ONNX; the kernels ({@code math}) know nothing else of the project; and no
 * two packages of core need each other.
 */
class LayeringTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.backprop4j");

    @Test
    void coreImportsNoCommandLineSparkOrOnnx() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.backprop4j.cli..", "org.backprop4j.options..",
                        "org.backprop4j.spark..", "org.backprop4j.onnx..", "picocli..", "org.apache.spark..")
                .because("core is the library: commands, option groups, Spark and ONNX sit on top of it")
                .check(CORE);
    }

    @Test
    void mathImportsNothingElseOfTheProject() {
        noClasses().that().resideInAPackage("org.backprop4j.math..")
                .should().dependOnClassesThat(resideInAPackage("org.backprop4j..").and(resideOutsideOfPackage("org.backprop4j.math..")))
                .because("the kernels work on raw arrays; an activation reaches them as math.Pointwise")
                .check(CORE);
    }

    @Test
    void noPackageCyclesInCore() {
        slices().matching("org.backprop4j.(*)..").should().beFreeOfCycles().check(CORE);
    }
}
