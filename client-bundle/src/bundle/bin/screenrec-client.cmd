@echo off
rem ScreenRec Capture Client for Windows, with the legacy ScreenREC.exe flags:
rem   screenrec-client.cmd -agent NAME -host H1[:PORT] [-host H2[:PORT] ...] [--spool DIR]
rem This launcher needs a Windows Java runtime in ..\runtime. The bundle built today carries a Linux runtime;
rem the Windows bundle (a zip with a runtime made by jlink on Windows) is planned, see docs/desktop-integration.md.
rem Until then, point SCREENREC_JAVA at a Java 17+ java.exe (or javaw.exe to run without a console window).
setlocal
set "HOME_DIR=%~dp0.."
set "JAVA_EXE=%SCREENREC_JAVA%"
if "%JAVA_EXE%"=="" set "JAVA_EXE=%HOME_DIR%\runtime\bin\java.exe"
"%JAVA_EXE%" %SCREENREC_JAVA_OPTS% -cp "%HOME_DIR%\lib\*" cz.zoom.screenrec.client.ClientMain %*
exit /b %ERRORLEVEL%
