; Inno Setup script for Windows: packs the one-folder bundle that installer/build.sh (or
; `pyinstaller installer\vostok.spec` on Windows) leaves in dist\vostok.
;   iscc installer\vostok.iss      -> dist\vostok-desktop-setup.exe
; Start menu entry, an optional desktop icon, optional autostart of the program (it
; keeps the call informer in the tray), and an uninstaller that removes every file it
; installed. The user's bases and settings (in %APPDATA%) are left alone on uninstall.

#define AppName "Vostok Desktop"
#define AppVersion "0.1.0"
#define AppExe "vostok.exe"

[Setup]
AppId={{6F1C2A4E-8B7D-4C51-9E0A-3D2B5F7A1C90}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Vostok Desktop
DefaultDirName={autopf}\Vostok Desktop
DefaultGroupName={#AppName}
OutputDir=..\dist
OutputBaseFilename=vostok-desktop-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
UninstallDisplayIcon={app}\{#AppExe}

[Languages]
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"

[Tasks]
Name: "desktopicon"; Description: "Значок на рабочем столе"; GroupDescription: "Значки:"; Flags: unchecked
Name: "autostart"; Description: "Запускать при входе в Windows (информатор звонков в трее)"; GroupDescription: "Запуск:"; Flags: unchecked

[Files]
Source: "..\dist\vostok\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Удалить {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "VostokDesktop"; ValueData: """{app}\{#AppExe}"""; Tasks: autostart; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Description: "Запустить {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Files the program itself may write beside it (logs of a portable run, Qt caches).
Type: filesandordirs; Name: "{app}"
