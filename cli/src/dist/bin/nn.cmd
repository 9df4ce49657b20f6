@echo off
rem nn: the Backprop4j command line on Windows, as installed from the distribution archive.
rem Needs Java 17 or newer: %JAVA_HOME%\bin\java.exe if JAVA_HOME is set, else java on the PATH.
rem NN_JAVA_OPTS adds JVM options (e.g. set NN_JAVA_OPTS=-Xmx8g).
setlocal
set "NN_HOME=%~dp0.."
if defined JAVA_HOME (set "JAVA=%JAVA_HOME%\bin\java.exe") else (set "JAVA=java")
rem the fast kernels use the Vector API, an incubator module in JDK 17-25, and room for the JIT's
rem speculation in them (PerMethodTrapLimit: see nn-run.sh and docs/PERFORMANCE.md)
set "MODULES="
"%JAVA%" --list-modules 2>nul | findstr /b "jdk.incubator.vector" >nul && set "MODULES=--add-modules=jdk.incubator.vector -XX:PerMethodTrapLimit=1000"
"%JAVA%" %MODULES% %NN_JAVA_OPTS% -Dnn.home="%NN_HOME%" -jar "%NN_HOME%\lib\nn.jar" %*
exit /b %ERRORLEVEL%
