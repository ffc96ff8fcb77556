#!/usr/bin/env bash
# Takes ONNX Runtime's native libraries for this machine out of the gateway jar into a folder:
# started with -Donnxruntime.native.path=<folder>, ONNX Runtime loads them from there instead of
# copying 22 MiB from the jar to java.io.tmpdir at every start (a quarter of a second, and a
# folder left in /tmp by every process that is killed).
#
#   native-libraries.sh JAR FOLDER
#
# Run by `mvn package` (into target/native) and by the Dockerfile's build stage.
set -euo pipefail
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
folder=$2
case "$(uname -m)" in
  aarch64 | arm64) arch=aarch64 ;;
  *) arch=x64 ;;
esac
rm -rf "$folder"
mkdir -p "$folder"
cd "$folder"
jar xf "$jar" "ai/onnxruntime/native/linux-$arch"
mv "ai/onnxruntime/native/linux-$arch"/* .
rm -r ai
