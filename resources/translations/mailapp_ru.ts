<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru" sourcelanguage="en">
    <context>
        <name>AddContactDialog</name>
        <message>
            <location filename="../../mailapp/ui/contacts/contact_dialogs.py" line="+51" />
            <source>Add contact</source>
            <translation>Добавить контакт</translation>
        </message>
        <message>
            <location line="+2" />
            <source>name@example.com</source>
            <translation>name@example.com</translation>
        </message>
        <message>
            <location line="+5" />
            <source>(no folder)</source>
            <translation>(без папки)</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Email:</source>
            <translation>Email:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>First name:</source>
            <translation>Имя:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Last name:</source>
            <translation>Фамилия:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Folder:</source>
            <translation>Папка:</translation>
        </message>
    </context>
    <context>
        <name>AnalyticsWindow</name>
        <message>
            <location filename="../../mailapp/ui/mailings/analytics.py" line="+312" />
            <source>Sending progress analytics</source>
            <extracomment>() the tile was clicked. (int) a follow-up draft was made from here; the main window opens it.</extracomment>
            <translation>Аналитика хода отправки</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Loading…</source>
            <translation>Загрузка…</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Recipients</source>
            <translation>Получатели</translation>
        </message>
        <message>
            <location line="-6" />
            <source>No recipients yet</source>
            <translation>Получателей пока нет</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Nothing handed over yet</source>
            <translation>Пока ничего не передано</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Responses</source>
            <translation>Отклики</translation>
        </message>
        <message>
            <location line="-5" />
            <location line="+26" />
            <source>All recipients</source>
            <translation>Все получатели</translation>
        </message>
        <message>
            <location line="-19" />
            <source>Export to CSV…</source>
            <translation>Экспорт в CSV…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Show:</source>
            <translation>Показать:</translation>
        </message>
        <message>
            <location line="+70" />
            <source>Cannot load the analytics: {error}</source>
            <translation>Не удалось загрузить аналитику: {error}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Analytics: {name}</source>
            <translation>Аналитика: {name}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{name} — {state}</source>
            <translation>{name} — {state}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Started on: {started}    Finished on: {finished}    Duration: {duration}</source>
            <translation>Запущена: {started}    Завершена: {finished}    Длительность: {duration}</translation>
        </message>
        <message>
            <location line="-67" />
            <source>All recipients ({n})</source>
            <translation>Все получатели ({n})</translation>
        </message>
        <message numerus="yes">
            <location line="+159" />
            <source>%Ln recipient(s)</source>
            <translation>
                <numerusform>%Ln получатель</numerusform>
                <numerusform>%Ln получателя</numerusform>
                <numerusform>%Ln получателей</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+30" />
            <source>%Ln recipient(s) exported</source>
            <translation>
                <numerusform>Выгружен %Ln получатель</numerusform>
                <numerusform>Выгружено %Ln получателя</numerusform>
                <numerusform>Выгружено %Ln получателей</numerusform>
            </translation>
        </message>
        <message>
            <location line="-23" />
            <source>Export recipients</source>
            <translation>Экспорт получателей</translation>
        </message>
        <message>
            <location line="+3" />
            <source>CSV files (*.csv)</source>
            <translation>Файлы CSV (*.csv)</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Exporting…</source>
            <translation>Экспорт…</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Export failed: {error}</source>
            <translation>Экспорт не удался: {error}</translation>
        </message>
    </context>
    <context>
        <name>BounceSection</name>
        <message>
            <location filename="../../mailapp/ui/settings/bounce_section.py" line="+29" />
            <source>Mailbox (imaps://user@host/folder):</source>
            <translation>Ящик (imaps://пользователь@сервер/папка):</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Where bounce reports and complaints arrive; read over IMAP</source>
            <translation>Сюда приходят отчёты о недоставке и жалобы; ящик читается по IMAP</translation>
        </message>
        <message>
            <location line="+6" />
            <source>unchanged</source>
            <translation>без изменений</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Kept in the system keyring, never in the database</source>
            <translation>Хранится в системном хранилище паролей, никогда в базе данных</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailbox password:</source>
            <translation>Пароль ящика:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Bounce address (VERP):</source>
            <translation>Адрес для возвратов (VERP):</translation>
        </message>
        <message>
            <location line="+1" />
            <source>bounces@domain: each message returns to bounces+TOKEN@domain</source>
            <translation>bounces@домен: каждое письмо возвращается на bounces+МЕТКА@домен</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Unsubscribe address:</source>
            <translation>Адрес для отписки:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Read the mailbox every, seconds:</source>
            <translation>Читать ящик каждые, секунд:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test connection</source>
            <translation>Проверить соединение</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Enter the mailbox to read.</source>
            <translation>Укажите ящик, который нужно читать.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Connecting…</source>
            <translation>Подключение…</translation>
        </message>
        <message numerus="yes">
            <location line="+11" />
            <source>Connected: the folder holds %n message(s).</source>
            <translation>
                <numerusform>Подключено: в папке %n письмо.</numerusform>
                <numerusform>Подключено: в папке %n письма.</numerusform>
                <numerusform>Подключено: в папке %n писем.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+15" />
            <source>The server's certificate cannot be trusted ({detail}); the password was not sent.</source>
            <translation>Сертификату сервера нельзя доверять ({detail}); пароль не отправлен.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The secure connection (TLS) failed ({detail}).</source>
            <translation>Не удалось установить защищённое соединение (TLS): {detail}.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cannot connect to the server ({detail}). Check its name and port.</source>
            <translation>Не удаётся подключиться к серверу ({detail}). Проверьте его имя и порт.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The server refused the user name or the password.</source>
            <translation>Сервер не принял имя пользователя или пароль.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>There is no folder “{detail}” in this mailbox.</source>
            <translation>В этом ящике нет папки «{detail}».</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The server answered: {detail}</source>
            <translation>Ответ сервера: {detail}</translation>
        </message>
        <message>
            <location line="+3" />
            <source>No password is saved for this mailbox: enter it.</source>
            <translation>Пароль этого ящика не сохранён: введите его.</translation>
        </message>
    </context>
    <context>
        <name>CampaignEditor</name>
        <message>
            <location filename="../../mailapp/ui/campaigns/editor.py" line="+207" />
            <source>New campaign</source>
            <extracomment>(int) the campaign was saved; its id. The caption of each field, by the field's object name.</extracomment>
            <translation>Новая кампания</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Campaign: {name}</source>
            <translation>Кампания: {name}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Name:</source>
            <translation>Название:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Participants from folder:</source>
            <translation>Участники из папки:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Re-entry:</source>
            <translation>Повторный вход:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Run every:</source>
            <translation>Запуск каждые:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>A contact that left the flow can enter again</source>
            <translation>Вышедший из кампании контакт может войти снова</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A contact that has left the flow enters again when added to the folder again</source>
            <translation>Контакт, вышедший из кампании, входит снова, если его снова добавят в папку</translation>
        </message>
        <message>
            <location line="+2" />
            <source> s</source>
            <translation> с</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Steps (participants enter at step 1)</source>
            <translation>Шаги (участники входят на шаге 1)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Add email step</source>
            <translation>Добавить шаг-письмо</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Add wait step</source>
            <translation>Добавить ожидание</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Transitions</source>
            <translation>Переходы</translation>
        </message>
        <message>
            <location line="+3" />
            <source>When the recipient's response to an email step is final, the first transition naming it leads on; any other response leaves the flow.</source>
            <translation>Когда отклик получателя на шаге-письме становится окончательным, дальше ведёт первый переход с этим откликом; при любом другом отклике участник выходит из кампании.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Add transition</source>
            <translation>Добавить переход</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Add steps to see the flow.</source>
            <translation>Добавьте шаги, чтобы увидеть схему.</translation>
        </message>
        <message>
            <location line="+44" />
            <source>Choose a folder…</source>
            <translation>Выберите папку…</translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>{name} (%n contact(s))</source>
            <translation>
                <numerusform>{name} (%n контакт)</numerusform>
                <numerusform>{name} (%n контакта)</numerusform>
                <numerusform>{name} (%n контактов)</numerusform>
            </translation>
        </message>
        <message>
            <location line="+54" />
            <source>Only a draft campaign can change its flow; this one is “{state}”.</source>
            <translation>Схему можно менять только у черновика; эта кампания в состоянии «{state}».</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Cannot load the campaign: {error}</source>
            <translation>Не удалось загрузить кампанию: {error}</translation>
        </message>
        <message>
            <location line="+73" />
            <source>(no mailing chosen)</source>
            <translation>(рассылка не выбрана)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{n}. Email: {name}</source>
            <translation>{n}. Письмо: {name}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{n}. Wait {duration}</source>
            <translation>{n}. Ожидание {duration}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Choose a trigger mailing…</source>
            <translation>Выберите триггерную рассылку…</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{name} — {state}</source>
            <translation>{name} — {state}</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Exit (leave the flow)</source>
            <translation>Выход (из кампании)</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/campaigns/flow_problems.py" line="+115" />
            <source>Give the campaign a name.</source>
            <translation>Укажите название кампании.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose the folder the participants come from.</source>
            <translation>Выберите папку, из которой приходят участники.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The flow has no steps: add an email step.</source>
            <translation>В схеме нет шагов: добавьте шаг-письмо.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Step {n}: choose the trigger mailing.</source>
            <translation>Шаг {n}: выберите триггерную рассылку.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Step {n}: a wait lasts from 1 second to 366 days.</source>
            <translation>Шаг {n}: ожидание длится от 1 секунды до 366 дней.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Transition {n}: choose the email step it starts from.</source>
            <translation>Переход {n}: выберите шаг-письмо, с которого он начинается.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Transition {n}: choose at least one response.</source>
            <translation>Переход {n}: выберите хотя бы один отклик.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Transition {n}: the response “{response}” of step {step} already leads elsewhere.</source>
            <translation>Переход {n}: отклик «{response}» шага {step} уже ведёт в другое место.</translation>
        </message>
    </context>
    <context>
        <name>CampaignsPage</name>
        <message>
            <location filename="../../mailapp/ui/campaigns/page.py" line="+157" />
            <source>New campaign…</source>
            <extracomment>(int | None) the selected campaign changed. While a campaign runs, read again this often even without a change announced in this process (another process may be running it).</extracomment>
            <translation>Новая кампания…</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Create a campaign</source>
            <translation>Создать кампанию</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Edit…</source>
            <translation>Изменить…</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Change the draft's flow</source>
            <translation>Изменить схему черновика</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Delete</source>
            <translation>Удалить</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Delete the draft campaign</source>
            <translation>Удалить черновик кампании</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Start campaign</source>
            <translation>Запустить кампанию</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start adding participants from the folder</source>
            <translation>Начать добавлять участников из папки</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+97" />
            <source>Stop campaign</source>
            <translation>Остановить кампанию</translation>
        </message>
        <message>
            <location line="-96" />
            <location line="+98" />
            <source>Add no new participants; those in the flow finish it</source>
            <translation>Не добавлять новых участников; те, кто уже в кампании, пройдут её до конца</translation>
        </message>
        <message>
            <location line="-92" />
            <source>Select a campaign to see its flow.</source>
            <translation>Выберите кампанию, чтобы увидеть её схему.</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Cannot read the campaigns: {error}</source>
            <translation>Не удалось прочитать кампании: {error}</translation>
        </message>
        <message>
            <location line="+26" />
            <source>No campaign selected</source>
            <translation>Кампания не выбрана</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{name} — {state}</source>
            <translation>{name} — {state}</translation>
        </message>
        <message numerus="yes">
            <location line="+5" />
            <source>%n participant(s) entered</source>
            <translation>
                <numerusform>вошёл %n участник</numerusform>
                <numerusform>вошли %n участника</numerusform>
                <numerusform>вошли %n участников</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>%n in the flow now</source>
            <translation>
                <numerusform>%n сейчас в кампании</numerusform>
                <numerusform>%n сейчас в кампании</numerusform>
                <numerusform>%n сейчас в кампании</numerusform>
            </translation>
        </message>
        <message>
            <location line="+4" />
            <source>started on {time}</source>
            <translation>запущена {time}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>finished on {time}</source>
            <translation>завершена {time}</translation>
        </message>
        <message>
            <location line="+3" />
            <source>re-entry on</source>
            <translation>повторный вход включен</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Stop at once</source>
            <translation>Остановить сразу</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Let every participant still in the flow leave</source>
            <translation>Вывести из кампании всех оставшихся участников</translation>
        </message>
    </context>
    <context>
        <name>ContactsModel</name>
        <message>
            <location filename="../../mailapp/ui/contacts/model.py" line="+54" />
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <location line="+1" />
            <source>First name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Last name</source>
            <translation>Фамилия</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Folders</source>
            <translation>Папки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Status</source>
            <translation>Статус</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Reported spam</source>
            <translation>Пожаловался на спам</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Address bounced</source>
            <translation>Адрес недоступен</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Unsubscribed</source>
            <translation>Отписан</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Invalid address</source>
            <translation>Неверный адрес</translation>
        </message>
        <message>
            <location line="+1" />
            <source>No address</source>
            <translation>Нет адреса</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Subscribed</source>
            <translation>Подписан</translation>
        </message>
    </context>
    <context>
        <name>ContactsPage</name>
        <message>
            <location filename="../../mailapp/ui/contacts/page.py" line="+199" />
            <source>Delete…</source>
            <translation>Удалить…</translation>
        </message>
        <message>
            <location line="-7" />
            <source>Search by email or name</source>
            <extracomment>(int) contacts shown after a folder, search or reload. (QDialog) an edit dialog or a confirmation is open (tests reach it here). Changes of a selection submitted and not yet done. Open confirmations → (the change, the title of its error message).</extracomment>
            <translation>Поиск по email или имени</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Add contact…</source>
            <translation>Добавить контакт…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Import CSV…</source>
            <translation>Импорт CSV…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Edit…</source>
            <translation>Изменить…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move to folder…</source>
            <translation>Переместить в папку…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Unsubscribe…</source>
            <translation>Отписать…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Subscribe again…</source>
            <translation>Подписать снова…</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Edit the selected contact (or double-click it)</source>
            <translation>Изменить выбранный контакт (или дважды щелкните по нему)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Delete the selected contacts</source>
            <translation>Удалить выбранные контакты</translation>
        </message>
        <message>
            <location line="+47" />
            <source>Loading…</source>
            <translation>Загрузка…</translation>
        </message>
        <message numerus="yes">
            <location line="+5" />
            <source>%Ln contact(s)</source>
            <translation>
                <numerusform>%Ln контакт</numerusform>
                <numerusform>%Ln контакта</numerusform>
                <numerusform>%Ln контактов</numerusform>
            </translation>
        </message>
        <message>
            <location line="+8" />
            <source>Cannot load the contacts: {error}</source>
            <translation>Не удалось загрузить контакты: {error}</translation>
        </message>
        <message>
            <location line="+100" />
            <source>Cannot open the contact</source>
            <translation>Не удалось открыть контакт</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Cannot change the subscription</source>
            <translation>Не удалось изменить подписку</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Cannot delete the contacts</source>
            <translation>Не удалось удалить контакты</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Cannot move the contacts</source>
            <translation>Не удалось переместить контакты</translation>
        </message>
    </context>
    <context>
        <name>DeleteContactsDialog</name>
        <message>
            <location filename="../../mailapp/ui/contacts/selection_dialogs.py" line="+39" />
            <location line="+28" />
            <source>Delete contacts</source>
            <translation>Удалить контакты</translation>
        </message>
        <message>
            <location line="-26" />
            <source>Delete the contact {email}?</source>
            <translation>Удалить контакт {email}?</translation>
        </message>
        <message numerus="yes">
            <location line="+2" />
            <source>Delete %n contact(s)?</source>
            <translation>
                <numerusform>Удалить %n контакт?</numerusform>
                <numerusform>Удалить %n контакта?</numerusform>
                <numerusform>Удалить %n контактов?</numerusform>
            </translation>
        </message>
        <message>
            <location line="+3" />
            <source>The contact leaves its folders and campaigns, so mailings started later do not reach it. This cannot be undone.</source>
            <translation>Контакт будет убран из своих папок и кампаний, и рассылки, запущенные позже, до него не дойдут. Это действие необратимо.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The contacts leave their folders and campaigns, so mailings started later do not reach them. This cannot be undone.</source>
            <translation>Контакты будут убраны из своих папок и кампаний, и рассылки, запущенные позже, до них не дойдут. Это действие необратимо.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Recipients already created in mailings stay and keep their response, so the sending analytics stay true; a mailing that is sending still sends the emails it has already planned.</source>
            <translation>Получатели, уже созданные в рассылках, остаются и сохраняют свой отклик, поэтому аналитика отправки не искажается; рассылка, которая сейчас отправляется, по-прежнему отправит уже запланированные письма.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Delete contact</source>
            <translation>Удалить контакт</translation>
        </message>
    </context>
    <context>
        <name>DeliverabilityTab</name>
        <message>
            <location filename="../../mailapp/ui/settings/deliverability_tab.py" line="+54" />
            <source>DKIM signature</source>
            <translation>Подпись DKIM</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Signing domain:</source>
            <translation>Домен подписи:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The domain of your sender address; empty: messages are not signed.</source>
            <translation>Домен адреса отправителя; если пусто, письма не подписываются.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Selector:</source>
            <translation>Селектор:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The name of the key in DNS: &lt;selector&gt;._domainkey.&lt;domain&gt;</source>
            <translation>Имя ключа в DNS: &lt;селектор&gt;._domainkey.&lt;домен&gt;</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Key file:</source>
            <translation>Файл ключа:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A PEM file with the RSA private key, without a password.</source>
            <translation>Файл PEM с закрытым ключом RSA, без пароля.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Create key</source>
            <translation>Создать ключ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A new 2048-bit key for the domain and selector, saved at once</source>
            <translation>Новый 2048-битный ключ для домена и селектора; сохраняется сразу</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Copy record</source>
            <translation>Копировать запись</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Check DNS</source>
            <translation>Проверить DNS</translation>
        </message>
        <message>
            <location line="+10" />
            <source>DNS name (TXT):</source>
            <translation>Имя в DNS (TXT):</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Value:</source>
            <translation>Значение:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Unsubscribe link</source>
            <translation>Ссылка для отписки</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Link:</source>
            <translation>Ссылка:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The link of the List-Unsubscribe header and of {{ unsubscribe_url }} in templates. {token} becomes the recipient's signed token, {email} the address.</source>
            <translation>Ссылка заголовка List-Unsubscribe и {{ unsubscribe_url }} в шаблонах. {token} заменяется подписанным токеном получателя, {email} — его адресом.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Bounce mailbox</source>
            <translation>Ящик возвратов</translation>
        </message>
        <message>
            <location line="-55" />
            <source>Deliverability</source>
            <translation>Доставляемость</translation>
        </message>
        <message>
            <location line="+134" />
            <source>Messages are not signed. Enter your domain and a selector, then Create key.</source>
            <translation>Письма не подписываются. Введите домен и селектор и нажмите «Создать ключ».</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Every message is signed. Publish this TXT record in your domain's DNS.</source>
            <translation>Каждое письмо подписывается. Опубликуйте эту TXT-запись в DNS вашего домена.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Without a link, messages ask for a reply with the subject “unsubscribe”.</source>
            <translation>Без ссылки письма предлагают ответить с темой «unsubscribe».</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Only an https link gives the one-click unsubscribe that Gmail and Yahoo ask for.</source>
            <translation>Отписку в один клик, которую требуют Gmail и Yahoo, даёт только ссылка https.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Without {token} the worker cannot answer the link: your own page must unsubscribe the address.</source>
            <translation>Без {token} обработчик не сможет ответить на ссылку: отписывать адрес должна ваша собственная страница.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Run “mailapp worker --listen 127.0.0.1:8025” and let your web server pass /u/ to it.</source>
            <translation>Запустите «mailapp worker --listen 127.0.0.1:8025» и настройте веб-сервер так, чтобы он передавал ему адреса /u/.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Enter the signing domain and a selector first.</source>
            <translation>Сначала введите домен подписи и селектор.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Creating the key…</source>
            <translation>Создаётся ключ…</translation>
        </message>
        <message>
            <location line="+17" />
            <source>The key is created and in use. Publish this TXT record in your domain's DNS.</source>
            <translation>Ключ создан и используется. Опубликуйте эту TXT-запись в DNS вашего домена.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>The record's value is copied.</source>
            <translation>Значение записи скопировано.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Looking up {name}…</source>
            <translation>Ищется {name}…</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Published: the record in DNS matches this key.</source>
            <translation>Опубликовано: запись в DNS совпадает с этим ключом.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>DNS has another key under this name: receivers will reject the signatures. Publish the value above instead.</source>
            <translation>В DNS под этим именем другой ключ: получатели отвергнут подписи. Опубликуйте вместо него значение выше.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Not published yet. DNS changes can take up to a day to arrive.</source>
            <translation>Ещё не опубликовано. Изменения в DNS расходятся до суток.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>No DNS server answered: this computer seems to be offline. Check again when it is connected.</source>
            <translation>Ни один DNS-сервер не ответил: похоже, компьютер не подключён к сети. Проверьте ещё раз, когда подключение появится.</translation>
        </message>
    </context>
    <context>
        <name>EditContactDialog</name>
        <message>
            <location filename="../../mailapp/ui/contacts/contact_dialogs.py" line="+72" />
            <source>Edit contact</source>
            <extracomment>(ContactInfo) the contact as saved.</extracomment>
            <translation>Изменить контакт</translation>
        </message>
        <message>
            <location line="+2" />
            <source>name@example.com</source>
            <translation>name@example.com</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Field</source>
            <translation>Поле</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Value</source>
            <translation>Значение</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Add field</source>
            <translation>Добавить поле</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Remove field</source>
            <translation>Удалить поле</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Unsubscribed (mailings leave this contact out)</source>
            <translation>Отписан (рассылки не отправляются этому контакту)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Address bounced (mailings leave this contact out)</source>
            <translation>Адрес недоступен (рассылки не отправляются этому контакту)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Set by a bounce report that said the address does not exist. Clear it once the address works again.</source>
            <translation>Отмечено по отчёту о недоставке: такого адреса нет. Снимите отметку, когда адрес снова работает.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Email:</source>
            <translation>Email:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>First name:</source>
            <translation>Имя:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Last name:</source>
            <translation>Фамилия:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Custom fields:</source>
            <translation>Дополнительные поля:</translation>
        </message>
        <message>
            <location line="+92" />
            <source>This address is not valid, so mailings leave it out; correct it here.</source>
            <translation>Это неверный адрес, поэтому рассылки его пропускают; исправьте его здесь.</translation>
        </message>
    </context>
    <context>
        <name>ErrorsTab</name>
        <message>
            <location filename="../../mailapp/ui/settings/errors_tab.py" line="+21" />
            <source>Errors in a row before “Sending error”:</source>
            <translation>Ошибок подряд до «Ошибка отправки»:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Retries of a temporary failure:</source>
            <translation>Повторов при временной ошибке:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>First wait before a retry, seconds:</source>
            <translation>Первая пауза перед повтором, секунд:</translation>
        </message>
        <message>
            <location line="-3" />
            <source>Errors and retries</source>
            <translation>Ошибки и повторы</translation>
        </message>
    </context>
    <context>
        <name>FilePage</name>
        <message>
            <location filename="../../mailapp/ui/contacts/import_file_page.py" line="+22" />
            <source>Choose a file</source>
            <translation>Выбор файла</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A CSV file with a header row. The column with email addresses is required; first and last names and any other columns are optional.</source>
            <translation>CSV-файл со строкой заголовков. Столбец с адресами email обязателен; имя, фамилия и любые другие столбцы — по желанию.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>contacts.csv</source>
            <translation>contacts.csv</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Browse…</source>
            <translation>Обзор…</translation>
        </message>
        <message>
            <location line="+7" />
            <source>(no folder)</source>
            <translation>(без папки)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Type a new name to create a folder</source>
            <translation>Введите новое название, чтобы создать папку</translation>
        </message>
        <message>
            <location line="+2" />
            <source>File:</source>
            <translation>Файл:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Put the contacts into the folder:</source>
            <translation>Поместить контакты в папку:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Choose a CSV file</source>
            <translation>Выберите CSV-файл</translation>
        </message>
        <message>
            <location line="+1" />
            <source>CSV files (*.csv *.txt)</source>
            <translation>Файлы CSV (*.csv *.txt)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>All files (*)</source>
            <translation>Все файлы (*)</translation>
        </message>
    </context>
    <context>
        <name>FolderPanel</name>
        <message>
            <location filename="../../mailapp/ui/contacts/folders.py" line="+82" />
            <source>Folders</source>
            <extracomment>Item data role holding the folder name (None: all contacts). The user chose another folder. A folder was created, renamed or deleted (or the change failed). The folder to choose once the list reloads (just created or renamed).</extracomment>
            <translation>Папки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>New…</source>
            <translation>Создать…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Create a folder</source>
            <translation>Создать папку</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Rename…</source>
            <translation>Переименовать…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Rename the chosen folder</source>
            <translation>Переименовать выбранную папку</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Delete…</source>
            <translation>Удалить…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete the chosen folder (its contacts are kept)</source>
            <translation>Удалить выбранную папку (её контакты сохранятся)</translation>
        </message>
        <message>
            <location line="+23" />
            <source>All contacts</source>
            <translation>Все контакты</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{name}: {valid} valid, {invalid} invalid, {none} without address, {unsubscribed} unsubscribed</source>
            <translation>{name}: верных {valid}, неверных {invalid}, без адреса {none}, отписавшихся {unsubscribed}</translation>
        </message>
        <message>
            <location line="+50" />
            <source>New folder</source>
            <translation>Новая папка</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Folder name:</source>
            <translation>Название папки:</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Cannot create the folder</source>
            <translation>Не удалось создать папку</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Rename folder</source>
            <translation>Переименование папки</translation>
        </message>
        <message>
            <location line="+0" />
            <source>New name:</source>
            <translation>Новое название:</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Cannot rename the folder</source>
            <translation>Не удалось переименовать папку</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Delete folder</source>
            <translation>Удаление папки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Delete the folder “{name}”?</source>
            <translation>Удалить папку «{name}»?</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Its contacts stay in “All contacts”.</source>
            <translation>Её контакты останутся в разделе «Все контакты».</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Delete the folder</source>
            <translation>Удалить папку</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Cannot delete the folder</source>
            <translation>Не удалось удалить папку</translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message>
            <location filename="../../mailapp/ui/mailings/follow_ups.py" line="+72" />
            <source>Send to those not reached…</source>
            <extracomment>(int) a follow-up draft was made; the main window opens it. () recipients were marked delivered; the analytics read again.</extracomment>
            <translation>Отправить не получившим…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mark as delivered…</source>
            <translation>Подтвердить отправку…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The provider's log shows these unconfirmed emails were accepted</source>
            <translation>Журнал провайдера показывает, что эти неподтверждённые письма приняты</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Include in a resend…</source>
            <translation>Включить в повторную рассылку…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Send these unconfirmed recipients a follow-up; they may get a second copy</source>
            <translation>Отправить этим неподтверждённым получателям повторную рассылку; они могут получить письмо дважды</translation>
        </message>
        <message>
            <location line="+19" />
            <source>“{name}” ({state}, {sent} of {recipients} sent)</source>
            <translation>«{name}» ({state}, отправлено {sent} из {recipients})</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Follow-ups: {made}. Reached with them: {reached}.</source>
            <translation>Повторные рассылки: {made}. Вместе с ними письмо получили: {reached}.</translation>
        </message>
        <message>
            <location line="+52" />
            <location line="+8" />
            <source>Mark as delivered</source>
            <translation>Подтвердить отправку</translation>
        </message>
        <message>
            <location line="-4" />
            <source>Do this when the provider's log shows it accepted these emails. They count as sent and are never sent this mailing again.</source>
            <translation>Сделайте это, если журнал провайдера показывает, что он принял эти письма. Они будут считаться отправленными, и эта рассылка больше их не отправит.</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Cannot mark as delivered</source>
            <translation>Не удалось подтвердить отправку</translation>
        </message>
        <message numerus="yes">
            <location line="-32" />
            <source>Mark %n unconfirmed recipient(s) as delivered?</source>
            <translation>
                <numerusform>Подтвердить отправку для %n неподтверждённого получателя?</numerusform>
                <numerusform>Подтвердить отправку для %n неподтверждённых получателей?</numerusform>
                <numerusform>Подтвердить отправку для %n неподтверждённых получателей?</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ImportPage</name>
        <message>
            <location filename="../../mailapp/ui/contacts/import_wizard.py" line="+385" />
            <source>Importing</source>
            <translation>Импорт</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Reading the file…</source>
            <translation>Чтение файла…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancel import</source>
            <translation>Отменить импорт</translation>
        </message>
        <message>
            <location line="+52" />
            <source>Read {done} of {total} lines…</source>
            <translation>Прочитано строк: {done} из {total}…</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Cancelling…</source>
            <translation>Отмена…</translation>
        </message>
    </context>
    <context>
        <name>ImportWizard</name>
        <message>
            <location line="+92" />
            <source>Import contacts</source>
            <extracomment>(ImportReport) contacts were imported.</extracomment>
            <translation>Импорт контактов</translation>
        </message>
    </context>
    <context>
        <name>InterfaceTab</name>
        <message>
            <location filename="../../mailapp/ui/settings/interface_tab.py" line="+24" />
            <source>System language</source>
            <translation>Язык системы</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Language:</source>
            <translation>Язык:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your name in the log:</source>
            <translation>Ваше имя в журнале:</translation>
        </message>
        <message>
            <location line="-6" />
            <source>Interface</source>
            <translation>Интерфейс</translation>
        </message>
    </context>
    <context>
        <name>JournalDock</name>
        <message>
            <location filename="../../mailapp/ui/window/journal_dock.py" line="+386" />
            <source>Sending log</source>
            <translation>Журнал отправки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Filter the log…</source>
            <translation>Фильтр журнала…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Selected mailing only</source>
            <translation>Только выбранная рассылка</translation>
        </message>
        <message>
            <location line="+1" />
            <source>By anyone</source>
            <translation>Все пользователи</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Only the lines one person caused</source>
            <translation>Только строки, вызванные действиями одного человека</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Export CSV…</source>
            <translation>Экспорт в CSV…</translation>
        </message>
        <message>
            <location line="+72" />
            <source>Time</source>
            <translation>Время</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailing</source>
            <translation>Рассылка</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Event code</source>
            <translation>Код события</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type</source>
            <translation>Тип</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Message</source>
            <translation>Сообщение</translation>
        </message>
        <message>
            <location line="+1" />
            <source>By</source>
            <translation>Кто</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Export the sending log</source>
            <translation>Экспорт журнала отправки</translation>
        </message>
        <message>
            <location line="+0" />
            <source>CSV files (*.csv)</source>
            <translation>Файлы CSV (*.csv)</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Export failed</source>
            <translation>Экспорт не удался</translation>
        </message>
    </context>
    <context>
        <name>LazyRowsModel</name>
        <message>
            <location filename="../../mailapp/ui/common/lazy_model.py" line="+362" />
            <source>Loading…</source>
            <translation>Загрузка…</translation>
        </message>
        <message>
            <location line="-13" />
            <source>(deleted)</source>
            <extracomment>The roles a row answers (a tooltip shows its cell's text whole). What a paint shows of a row: a text for each column, the text's colour. Rows fetched in one round trip. Pages kept in memory (LRU); 50 pages are 10,000 rows. Page reads in flight at once. Reads start once the view has asked for nothing new for this long. Pages asked for and waiting for a read; the oldest asks are forgotten (a screen shows one or two pages, and every repaint asks again). (int) the number of rows after a new list of ids arrived. (object) loading the ids or a page failed with this exception. Row id → what a paint shows of it (see :meth:`shown`). Pages asked for by the view and not yet requested, oldest first. Counts language switches: texts made before one are not kept. The words rows are shown with, and the language they are in. A row's texts, one a column; a cell's tooltip shows its text whole. Called by the page readers for a whole page at once: one call a row.</extracomment>
            <translation>(удален)</translation>
        </message>
    </context>
    <context>
        <name>MailingEditor</name>
        <message>
            <location filename="../../mailapp/ui/mailings/discard_box.py" line="+22" />
            <source>Unsaved changes</source>
            <translation>Несохраненные изменения</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Discard changes?</source>
            <translation>Отменить изменения?</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The changes to this mailing have not been saved.</source>
            <translation>Изменения в этой рассылке не сохранены.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Discard changes</source>
            <translation>Отменить изменения</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Keep editing</source>
            <translation>Продолжить редактирование</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/editor.py" line="+107" />
            <source>New mailing</source>
            <extracomment>How long typing must pause before the template is read again. (int) the mailing was saved; its id. The preview's problem for its contact (a warning unless the check below already calls the template wrong). The latest reading of the template, and whether a newer one is due. Custom field names some contact has; None until read (off-thread).</extracomment>
            <translation>Новая рассылка</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Mailing</source>
            <translation>Рассылка</translation>
        </message>
        <message>
            <location line="+18" />
            <source>news@example.com</source>
            <translation>news@example.com</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/field_menu.py" line="+22" />
            <source>Insert field</source>
            <extracomment>(str) the template code to insert, e.g. ``{{ contact.city }}``.</extracomment>
            <translation>Вставить поле</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/editor.py" line="+11" />
            <source>Stop sending at</source>
            <translation>Остановить отправку в</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Name:</source>
            <translation>Название:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Kind:</source>
            <translation>Тип:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Sender name:</source>
            <translation>Имя отправителя:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Sender email:</source>
            <translation>Email отправителя:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Subject:</source>
            <translation>Тема:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Expiration:</source>
            <translation>Срок отправки:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>HTML body:</source>
            <translation>Текст письма (HTML):</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/preview_contacts.py" line="+104" />
            <source>Preview for:</source>
            <translation>Просмотр для:</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/audience_box.py" line="+40" />
            <source>A trigger mailing has no folders: the campaigns that lead to it add its recipients one by one.</source>
            <extracomment>The folders there are (empty until read) and the names ticked.</extracomment>
            <translation>У триггерной рассылки нет папок: получателей по одному добавляют кампании, которые ведут к ней.</translation>
        </message>
        <message>
            <location line="-9" />
            <location filename="../../mailapp/ui/mailings/problems.py" line="+247" />
            <source>Audience</source>
            <extracomment>() a folder was ticked or unticked.</extracomment>
            <translation>Аудитория</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/editor.py" line="+46" />
            <source>Send test email…</source>
            <translation>Отправить тестовое письмо…</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Save the mailing first</source>
            <translation>Сначала сохраните рассылку</translation>
        </message>
        <message>
            <location line="+63" />
            <source>Mailing: {name}</source>
            <translation>Рассылка: {name}</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/problems.py" line="+79" />
            <source>This mailing has already handed emails to the provider, so its template can no longer be changed.</source>
            <translation>Рассылка уже передала письма провайдеру, поэтому её шаблон больше нельзя изменить.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>A mailing in the state “{state}” cannot be changed. Pause it (Stop sending) to change it.</source>
            <translation>Рассылку в состоянии «{state}» нельзя изменить. Приостановите её (Остановить отправку), чтобы изменить.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/audience_box.py" line="+77" />
            <source>“{name}” ({state})</source>
            <translation>«{name}» ({state})</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Fed by campaigns: {names}</source>
            <translation>Участников добавляют кампании: {names}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Fed by campaigns: none yet</source>
            <translation>Участников добавляют кампании: пока ни одна</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/editor.py" line="+50" />
            <source>Cannot load the mailing: {error}</source>
            <translation>Не удалось загрузить рассылку: {error}</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/audience_box.py" line="+10" />
            <source>{name} — {valid} valid · {invalid} invalid · {unsubscribed} unsubscribed</source>
            <translation>{name} — верных {valid} · неверных {invalid} · отписавшихся {unsubscribed}</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/editor.py" line="+15" />
            <source>Close</source>
            <translation>Закрыть</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/preview_contacts.py" line="-43" />
            <source>Sample contact (no contacts yet)</source>
            <extracomment>Contacts offered for the preview. () other contacts are offered (after :meth:`load`).</extracomment>
            <translation>Пример контакта (контактов пока нет)</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Alex</source>
            <translation>Алекс</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sample</source>
            <translation>Образцов</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/field_menu.py" line="+10" />
            <location filename="../../mailapp/ui/mailings/start_dialog.py" line="+37" />
            <source>First name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <location line="+1" />
            <location filename="../../mailapp/ui/mailings/start_dialog.py" line="+2" />
            <source>Last name</source>
            <translation>Фамилия</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailing name</source>
            <translation>Название рассылки</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Unsubscribe link</source>
            <translation>Ссылка для отписки</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Fields of the contacts</source>
            <translation>Поля контактов</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/problems.py" line="-259" />
            <source>This field is required.</source>
            <extracomment>The fields in the order of the form, for the summary under it.</extracomment>
            <translation>Это поле обязательно.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Required before the mailing can be sent.</source>
            <translation>Нужно заполнить, чтобы отправить рассылку.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Enter an email address.</source>
            <translation>Введите адрес email.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>This is not a valid email address.</source>
            <translation>Это неверный адрес email.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Line breaks are not allowed here.</source>
            <translation>Переводы строк здесь недопустимы.</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Too long: at most %n character(s).</source>
            <translation>
                <numerusform>Слишком длинно: не больше %n символа.</numerusform>
                <numerusform>Слишком длинно: не больше %n символов.</numerusform>
                <numerusform>Слишком длинно: не больше %n символов.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+11" />
            <source>the tag {% {tag} %} is not closed; add {% end{tag} %} where it ends.</source>
            <translation>тег {% {tag} %} не закрыт; добавьте {% end{tag} %} там, где он заканчивается.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{% {tag} %} has no {% {opener} %} before it.</source>
            <translation>перед {% {tag} %} нет {% {opener} %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{% else %} can only be used inside {% if %} or {% for %}.</source>
            <translation>{% else %} можно использовать только внутри {% if %} или {% for %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{% elif %} can only be used inside {% if %}.</source>
            <translation>{% elif %} можно использовать только внутри {% if %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>this {% {tag} %} already has an {% else %}.</source>
            <translation>у этого {% {tag} %} уже есть {% else %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{% elif %} must come before {% else %}.</source>
            <translation>{% elif %} должен стоять перед {% else %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no tag {% {tag} %}.</source>
            <translation>тега {% {tag} %} не существует.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the tag {% {tag} %} needs a condition, for example {% {tag} contact.city %}.</source>
            <translation>тегу {% {tag} %} нужно условие, например {% {tag} contact.city %}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the tag {% for %} is incomplete; write it as {% for item in list %}.</source>
            <translation>тег {% for %} не дописан; запишите его в виде {% for item in list %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{% %} is empty; a tag such as if or for goes inside.</source>
            <translation>внутри {% %} ничего нет; туда пишется тег, например if или for.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{{ }} is empty; put a field in it, for example {{ contact.first_name }}.</source>
            <translation>внутри {{ }} ничего нет; вставьте туда поле, например {{ contact.first_name }}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{{ is not closed; end it with }}.</source>
            <translation>скобка {{ не закрыта; закройте её с помощью }}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{% is not closed; end it with %}.</source>
            <translation>скобка {% не закрыта; закройте её с помощью %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the comment {# is not closed; end it with #}.</source>
            <translation>комментарий {# не закрыт; закройте его с помощью #}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{% raw %} is not closed; add {% endraw %}.</source>
            <translation>блок {% raw %} не закрыт; добавьте {% endraw %}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a text in quotes is not closed; add the closing quote.</source>
            <translation>текст в кавычках не закрыт; добавьте закрывающую кавычку.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>“{token}” is out of place here; check the brackets and quotes.</source>
            <translation>«{token}» здесь не на месте; проверьте скобки и кавычки.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>something is missing here: a field or a value.</source>
            <translation>здесь чего-то не хватает: поля или значения.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the template ends in the middle of a tag; check that every {{ and {% is closed.</source>
            <translation>шаблон обрывается посреди тега; проверьте, что все {{ и {% закрыты.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>a field name is missing, for example after a dot.</source>
            <translation>не хватает имени поля, например после точки.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no filter “{name}”.</source>
            <translation>фильтра «{name}» не существует.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no test “{name}”.</source>
            <translation>теста «{name}» не существует.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>unknown name “{name}”; did you mean “{like}”?</source>
            <translation>неизвестное имя «{name}»; может быть, вы имели в виду «{like}»?</translation>
        </message>
        <message>
            <location line="+3" />
            <source>unknown name “{name}”; use contact.&lt;field&gt;, mailing.name or unsubscribe_url.</source>
            <translation>неизвестное имя «{name}»; используйте contact.&lt;поле&gt;, mailing.name или unsubscribe_url.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>“{name}” cannot be used: names that start with “_” are not allowed.</source>
            <translation>«{name}» использовать нельзя: имена, начинающиеся с «_», не допускаются.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the template is not written correctly here; check the {{ }} and {% %}.</source>
            <translation>здесь в шаблоне ошибка; проверьте {{ }} и {% %}.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Line {line}: {problem}</source>
            <translation>Строка {line}: {problem}</translation>
        </message>
        <message>
            <location line="+22" />
            <source>no contact has the field “{name}”, so it will be empty in every email.</source>
            <translation>ни у одного контакта нет поля «{name}», поэтому во всех письмах оно будет пустым.</translation>
        </message>
        <message>
            <location line="+19" />
            <source>the email cannot be made for the preview contact ({detail}); such recipients are skipped when sending.</source>
            <translation>не удается собрать письмо для контакта в просмотре ({detail}); при отправке такие получатели пропускаются.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/editor.py" line="+117" />
            <source>Choose at least one folder of recipients before sending.</source>
            <translation>Перед отправкой выберите хотя бы одну папку получателей.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/problems.py" line="+14" />
            <source>Name</source>
            <translation>Название</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sender name</source>
            <translation>Имя отправителя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sender email</source>
            <translation>Email отправителя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Subject</source>
            <translation>Тема</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTML body</source>
            <translation>Текст письма (HTML)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Expiration</source>
            <translation>Срок отправки</translation>
        </message>
        <message>
            <location line="+14" />
            <source>To save the mailing, fix: {fields}.</source>
            <translation>Чтобы сохранить рассылку, исправьте: {fields}.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>You can save the mailing now, but it cannot be sent until you fix: {fields}.</source>
            <translation>Рассылку уже можно сохранить, но отправить её не получится, пока вы не исправите: {fields}.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Warnings (they do not stop sending): {fields}.</source>
            <translation>Предупреждения (отправке не мешают): {fields}.</translation>
        </message>
        <message>
            <location line="-186" />
            <source>The email body is empty.</source>
            <translation>Текст письма пуст.</translation>
        </message>
        <message numerus="yes">
            <source>Sent to those mailing {id} did not reach: %n recipient(s), fixed when this follow-up was made. Whoever unsubscribes or is reached meanwhile is left out at the start.</source>
            <translation>
                <numerusform>Отправляется тем, до кого не дошла рассылка {id}: %n получатель, определённый при создании этой повторной рассылки. Кто отпишется или получит письмо за это время, будет исключён при запуске.</numerusform>
                <numerusform>Отправляется тем, до кого не дошла рассылка {id}: %n получателя, определённых при создании этой повторной рассылки. Кто отпишется или получит письмо за это время, будет исключён при запуске.</numerusform>
                <numerusform>Отправляется тем, до кого не дошла рассылка {id}: %n получателей, определённых при создании этой повторной рассылки. Кто отпишется или получит письмо за это время, будет исключён при запуске.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+9" />
            <source>%Ln contact(s) in this folder</source>
            <translation>
                <numerusform>%Ln контакт в папке</numerusform>
                <numerusform>%Ln контакта в папке</numerusform>
                <numerusform>%Ln контактов в папке</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MailingViewer</name>
        <message>
            <location filename="../../mailapp/ui/mailings/viewer.py" line="+140" />
            <source>Mailing (read-only)</source>
            <extracomment>(int) the user asked for the mailing's analytics. The names of the rows, set in the UI language by retranslate_ui.</extracomment>
            <translation>Рассылка (только просмотр)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Content</source>
            <translation>Содержание</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Audience</source>
            <translation>Аудитория</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Results</source>
            <translation>Результаты</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Subject:</source>
            <translation>Тема:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>From:</source>
            <translation>От кого:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>To:</source>
            <translation>Кому:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Recipients:</source>
            <translation>Получателей:</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Analytics…</source>
            <translation>Аналитика…</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Cannot read the mailing: {error}</source>
            <translation>Не удалось прочитать рассылку: {error}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Mailing: {name}</source>
            <translation>Рассылка: {name}</translation>
        </message>
        <message>
            <location line="+8" />
            <source>those mailing {id} did not reach</source>
            <translation>те, до кого не дошла рассылка {id}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the participants of the campaigns that lead to it</source>
            <translation>участники кампаний, которые ведут к ней</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the contacts {where}</source>
            <translation>контакты {where}</translation>
        </message>
        <message>
            <location line="+16" />
            <source>No recipients yet.</source>
            <translation>Получателей пока нет.</translation>
        </message>
    </context>
    <context>
        <name>MailingsPage</name>
        <message>
            <location filename="../../mailapp/ui/mailings/page.py" line="+130" />
            <source>Search mailings by name…</source>
            <extracomment>The name column is never narrower than this (pixels).</extracomment>
            <translation>Поиск рассылок по названию…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Kind:</source>
            <translation>Тип:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>State:</source>
            <translation>Состояние:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>All kinds</source>
            <translation>Все типы</translation>
        </message>
        <message>
            <location line="+8" />
            <source>All states</source>
            <translation>Все состояния</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../mailapp/ui/window/main_window.py" line="+246" />
            <source>Mailings — mailapp</source>
            <extracomment>States in which closing the window asks whether to keep sending. (int | None) the selected mailing changed.</extracomment>
            <translation>Рассылки — mailapp</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;File</source>
            <translation>&amp;Файл</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Mailing</source>
            <translation>&amp;Рассылка</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;View</source>
            <translation>&amp;Вид</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Tools</source>
            <translation>&amp;Сервис</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Help</source>
            <translation>&amp;Справка</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New</source>
            <translation>Создать</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Create a mailing</source>
            <translation>Создать рассылку</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Edit</source>
            <translation>Изменить</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Change the selected mailing</source>
            <translation>Изменить выбранную рассылку</translation>
        </message>
        <message>
            <location line="+2" />
            <source>View</source>
            <translation>Просмотр</translation>
        </message>
        <message>
            <location line="+1" />
            <source>See the mailing's content, audience and results</source>
            <translation>Посмотреть содержание, аудиторию и результаты рассылки</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Duplicate</source>
            <translation>Создать копию</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Copy the mailing as a new draft</source>
            <translation>Скопировать рассылку в новый черновик</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete</source>
            <translation>Удалить</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Delete the draft</source>
            <translation>Удалить черновик</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start sending</source>
            <translation>Начать отправку</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Start sending the mailing</source>
            <translation>Начать отправку рассылки</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Stop sending</source>
            <translation>Остановить отправку</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pause the mailing before sending begins, or stop it after</source>
            <translation>Приостановить рассылку до начала отправки или остановить после</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Schedule…</source>
            <translation>Запланировать…</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Start sending at a set time</source>
            <translation>Начать отправку в заданное время</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Send to those not reached…</source>
            <translation>Отправить не получившим…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A draft copy for the recipients this mailing did not reach</source>
            <translation>Черновик-копия для получателей, до которых эта рассылка не дошла</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Send test email…</source>
            <translation>Отправить тестовое письмо…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Send the mailing to one address</source>
            <translation>Отправить рассылку на один адрес</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Analytics</source>
            <translation>Аналитика</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Sending progress analytics</source>
            <translation>Аналитика хода отправки</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+12" />
            <source>Contacts</source>
            <translation>Контакты</translation>
        </message>
        <message>
            <location line="-12" />
            <source>Contacts and folders</source>
            <translation>Контакты и папки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Settings…</source>
            <translation>Настройки…</translation>
        </message>
        <message>
            <location line="+0" />
            <source>System settings</source>
            <translation>Системные настройки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Outbox</source>
            <translation>Исходящие</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Messages kept by the sandbox</source>
            <translation>Письма, сохраненные песочницей</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Refresh</source>
            <translation>Обновить</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Read the mailings again</source>
            <translation>Перечитать рассылки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Quit</source>
            <translation>Выход</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Quit mailapp</source>
            <translation>Выйти из mailapp</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+232" />
            <source>About mailapp</source>
            <translation>О программе mailapp</translation>
        </message>
        <message>
            <location line="-226" />
            <source>Mailings</source>
            <translation>Рассылки</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Campaigns</source>
            <translation>Кампании</translation>
        </message>
        <message>
            <location line="+71" />
            <source>Pause the mailing: sending has not begun yet</source>
            <translation>Приостановить рассылку: отправка ещё не началась</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Stop the mailing for good: sending has begun</source>
            <translation>Остановить рассылку окончательно: отправка началась</translation>
        </message>
        <message>
            <location line="+42" />
            <source> (copy)</source>
            <translation> (копия)</translation>
        </message>
        <message>
            <location line="+0" />
            <source> (copy {n})</source>
            <translation> (копия {n})</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cannot duplicate</source>
            <translation>Не удалось скопировать</translation>
        </message>
        <message>
            <location line="+22" />
            <source>Delete mailing</source>
            <translation>Удаление рассылки</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete the draft “{name}”?</source>
            <translation>Удалить черновик «{name}»?</translation>
        </message>
        <message>
            <location line="+1" />
            <source>This cannot be undone.</source>
            <translation>Это действие необратимо.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Delete draft</source>
            <translation>Удалить черновик</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Cannot delete</source>
            <translation>Не удалось удалить</translation>
        </message>
        <message>
            <location line="+66" />
            <source>mailapp {version} sends email mailings and pauses or stops them safely.</source>
            <translation>mailapp {version} отправляет email-рассылки и безопасно приостанавливает или останавливает их.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Data folder: {folder}
Log file: {log}</source>
            <translation>Папка данных: {folder}
Журнал работы: {log}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Cannot read the mailings: {error}</source>
            <translation>Не удалось прочитать рассылки: {error}</translation>
        </message>
        <message>
            <location line="+37" />
            <source>Close mailapp</source>
            <translation>Закрытие mailapp</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailings are being sent. Keep sending in the background?</source>
            <translation>Идёт отправка рассылок. Продолжить отправку в фоновом режиме?</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The worker finishes what is left to send and then exits by itself. Open mailapp again at any time to follow it.</source>
            <translation>Процесс отправки передаст провайдеру оставшиеся письма и завершится сам. Чтобы следить за отправкой, откройте mailapp снова в любой момент.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Keep sending in the background</source>
            <translation>Продолжить отправку в фоновом режиме</translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>%n mailing(s)</source>
            <translation>
                <numerusform>%n рассылка</numerusform>
                <numerusform>%n рассылки</numerusform>
                <numerusform>%n рассылок</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MappingPage</name>
        <message>
            <location filename="../../mailapp/ui/contacts/import_wizard.py" line="-389" />
            <source>Columns</source>
            <translation>Столбцы</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Say what each column of the file holds.</source>
            <translation>Укажите, что содержит каждый столбец файла.</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <location line="+1" />
            <source>First name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Last name</source>
            <translation>Фамилия</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Custom field “{key}”</source>
            <translation>Дополнительное поле «{key}»</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Ignore this column</source>
            <translation>Пропустить столбец</translation>
        </message>
        <message>
            <location line="+4" />
            <source>(no name)</source>
            <translation>(без названия)</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Choose exactly one column with the email addresses.</source>
            <translation>Выберите ровно один столбец с адресами email.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>first name</source>
            <translation>имя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>last name</source>
            <translation>фамилию</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Only one column can hold the {what}.</source>
            <translation>Только один столбец может содержать {what}.</translation>
        </message>
    </context>
    <context>
        <name>MoveContactsDialog</name>
        <message>
            <location filename="../../mailapp/ui/contacts/selection_dialogs.py" line="+56" />
            <source>Move contacts</source>
            <extracomment>Move (read :meth:`target`).</extracomment>
            <translation>Переместить контакты</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Move %n contact(s) to the folder:</source>
            <translation>
                <numerusform>Переместить %n контакт в папку:</numerusform>
                <numerusform>Переместить %n контакта в папку:</numerusform>
                <numerusform>Переместить %n контактов в папку:</numerusform>
            </translation>
        </message>
        <message>
            <location line="+3" />
            <source>Type a new name to create a folder</source>
            <translation>Введите новое название, чтобы создать папку</translation>
        </message>
        <message>
            <location line="+6" />
            <source>They leave the folder “{folder}” and join the one chosen here; their other folders stay as they are.</source>
            <translation>Контакты будут убраны из папки «{folder}» и добавлены в выбранную здесь; в остальных папках они останутся.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>They stay in their other folders and also join the one chosen here.</source>
            <translation>Контакты останутся в своих папках и будут добавлены ещё и в выбранную здесь.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Move</source>
            <translation>Переместить</translation>
        </message>
    </context>
    <context>
        <name>OutboxModel</name>
        <message>
            <location filename="../../mailapp/ui/settings/outbox_model.py" line="+114" />
            <source>Received</source>
            <extracomment>The mailing filter's value for messages of no mailing (test emails). ``id()`` of a header in :attr:`_all` → what a paint shows of it.</extracomment>
            <translation>Получено</translation>
        </message>
        <message>
            <location line="+0" />
            <source>To</source>
            <translation>Кому</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Subject</source>
            <translation>Тема</translation>
        </message>
        <message>
            <location line="+0" />
            <source>From</source>
            <translation>От кого</translation>
        </message>
    </context>
    <context>
        <name>OutboxWindow</name>
        <message>
            <location filename="../../mailapp/ui/settings/outbox.py" line="+172" />
            <source>Outbox</source>
            <extracomment>Headers read in the first batch (shown at once) and in each batch after. A listing with more headers than this to read has them read, after the first batch, by a process of its own (see :mod:`header_reader`). Typing pauses this long before the search runs. True once every file of the last listing has its header read. The last listing, newest first: each file's name (made by the listing thread: 10,000 ``Path.name`` here took milliseconds) and path. Whether this listing's batches after the first go to the reader.</extracomment>
            <translation>Исходящие</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Refresh</source>
            <translation>Обновить</translation>
        </message>
        <message numerus="yes">
            <location line="+100" />
            <source>%Ln message(s)</source>
            <translation>
                <numerusform>%Ln письмо</numerusform>
                <numerusform>%Ln письма</numerusform>
                <numerusform>%Ln писем</numerusform>
            </translation>
        </message>
        <message>
            <location line="-2" />
            <source>The outbox is empty</source>
            <translation>Исходящих писем нет</translation>
        </message>
        <message>
            <location line="-19" />
            <source>Messages sent with the Sandbox provider appear here.</source>
            <translation>Здесь появляются письма, отправленные через песочницу.</translation>
        </message>
        <message>
            <location line="-80" />
            <source>Search by recipient or subject</source>
            <translation>Поиск по получателю или теме</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Open in mail program</source>
            <translation>Открыть в почтовой программе</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Open the message (.eml) with the desktop's mail program</source>
            <translation>Открыть письмо (.eml) в почтовой программе компьютера</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Folder: {path}</source>
            <translation>Папка: {path}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Open folder</source>
            <translation>Открыть папку</translation>
        </message>
        <message>
            <location line="+81" />
            <source>Cannot read the outbox: {error}</source>
            <translation>Не удалось прочитать исходящие: {error}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Reading the outbox: {done} of {total}</source>
            <translation>Чтение исходящих: {done} из {total}</translation>
        </message>
        <message numerus="yes">
            <location line="+8" />
            <source>{shown} of %Ln message(s)</source>
            <translation>
                <numerusform>{shown} из %Ln письма</numerusform>
                <numerusform>{shown} из %Ln писем</numerusform>
                <numerusform>{shown} из %Ln писем</numerusform>
            </translation>
        </message>
        <message>
            <location line="+32" />
            <source>Test emails</source>
            <translation>Тестовые письма</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailing {id}</source>
            <translation>Рассылка {id}</translation>
        </message>
        <message>
            <location line="+15" />
            <source>All mailings ({n})</source>
            <translation>Все рассылки ({n})</translation>
        </message>
        <message>
            <location line="+52" />
            <source>From: {value}</source>
            <translation>От: {value}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>To: {value}</source>
            <translation>Кому: {value}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Subject: {value}</source>
            <translation>Тема: {value}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Received: {value}</source>
            <translation>Получено: {value}</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Mailing: {value}</source>
            <translation>Рассылка: {value}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Message-ID: {value}</source>
            <translation>Message-ID: {value}</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Cannot read the message: {error}</source>
            <translation>Не удалось прочитать письмо: {error}</translation>
        </message>
    </context>
    <context>
        <name>PreviewPage</name>
        <message>
            <location filename="../../mailapp/ui/contacts/import_wizard.py" line="-131" />
            <source>Preview</source>
            <translation>Просмотр</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Reading {name}…</source>
            <translation>Чтение {name}…</translation>
        </message>
        <message>
            <location line="+13" />
            <source>comma</source>
            <translation>запятая</translation>
        </message>
        <message>
            <location line="+1" />
            <source>semicolon</source>
            <translation>точка с запятой</translation>
        </message>
        <message>
            <location line="+1" />
            <source>tab</source>
            <translation>табуляция</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Encoding: {encoding}. Delimiter: {delimiter}. {columns} columns.</source>
            <translation>Кодировка: {encoding}. Разделитель: {delimiter}. Столбцов: {columns}.</translation>
        </message>
        <message>
            <location line="+18" />
            <source>This file cannot be imported. Nothing was imported.</source>
            <translation>Этот файл нельзя импортировать. Ничего не импортировано.</translation>
        </message>
    </context>
    <context>
        <name>ProviderTab</name>
        <message>
            <location filename="../../mailapp/ui/settings/provider_tab.py" line="+33" />
            <source>Sandbox (kept in the outbox, nothing is sent)</source>
            <translation>Песочница (письма остаются в исходящих)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SMTP server</source>
            <translation>SMTP-сервер</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Provider:</source>
            <translation>Провайдер:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Sandbox accepts emails a second (0 = no limit):</source>
            <translation>Песочница: писем в секунду (0 — без ограничения):</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Server:</source>
            <translation>Сервер:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Port:</source>
            <translation>Порт:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>STARTTLS</source>
            <translation>STARTTLS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS</source>
            <translation>TLS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>None (unencrypted)</source>
            <translation>Нет (без шифрования)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Security:</source>
            <translation>Защита:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>User name:</source>
            <translation>Имя пользователя:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>unchanged</source>
            <translation>без изменений</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Kept in the system keyring, never in the database</source>
            <translation>Хранится в системном хранилище паролей, никогда в базе данных</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Password:</source>
            <translation>Пароль:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test connection</source>
            <translation>Проверить соединение</translation>
        </message>
        <message>
            <location line="-22" />
            <source>Mail provider</source>
            <translation>Почтовый провайдер</translation>
        </message>
        <message>
            <location line="+56" />
            <location line="+15" />
            <source>Enter the SMTP server to send through.</source>
            <translation>Укажите SMTP-сервер для отправки.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Connecting to {host}:{port}…</source>
            <translation>Подключение к {host}:{port}…</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Connected: the server accepts the settings.</source>
            <translation>Подключено: сервер принимает настройки.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>{where}: the connection was refused. Check the server name and the port.</source>
            <translation>{where}: соединение отклонено. Проверьте имя сервера и порт.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{where}: there is no such server. Check its name.</source>
            <translation>{where}: такого сервера нет. Проверьте его имя.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{where}: no answer within {detail} s.</source>
            <translation>{where}: нет ответа в течение {detail} с.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{where}: the server's certificate could not be verified ({detail}). Check the server name.</source>
            <translation>{where}: не удалось проверить сертификат сервера ({detail}). Проверьте имя сервера.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{where}: the secure connection (TLS) failed ({detail}). Check the security setting and the port.</source>
            <translation>{where}: не удалось установить защищённое соединение TLS ({detail}). Проверьте защиту и порт.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{where}: the server does not offer STARTTLS. Choose another security setting or port.</source>
            <translation>{where}: сервер не поддерживает STARTTLS. Выберите другую защиту или порт.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{where}: the server refused the session ({detail}).</source>
            <translation>{where}: сервер отказал в сеансе ({detail}).</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{where}: the server closed the connection.</source>
            <translation>{where}: сервер закрыл соединение.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{where}: the server answered {detail}.</source>
            <translation>{where}: сервер ответил {detail}.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The server refused the user name or the password ({detail}).</source>
            <translation>Сервер не принял имя пользователя или пароль ({detail}).</translation>
        </message>
        <message>
            <location line="+2" />
            <source>No password is saved for this user: enter it.</source>
            <translation>Для этого пользователя не сохранён пароль: введите его.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The server does not offer a login on this connection; most servers need STARTTLS or TLS.</source>
            <translation>Сервер не предлагает вход на этом соединении; большинству серверов нужен STARTTLS или TLS.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The saved password cannot be read: {detail}</source>
            <translation>Не удаётся прочитать сохранённый пароль: {detail}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Cannot connect to {host}:{port}</source>
            <translation>Не удаётся подключиться к {host}:{port}</translation>
        </message>
    </context>
    <context>
        <name>RecipientsModel</name>
        <message>
            <location filename="../../mailapp/ui/mailings/analytics.py" line="-413" />
            <source>Email</source>
            <extracomment>Live refreshes at most this often. The window's smallest size.</extracomment>
            <translation>Email</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Response</source>
            <translation>Отклик</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Handed over</source>
            <translation>Передано</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Error</source>
            <translation>Ошибка</translation>
        </message>
    </context>
    <context>
        <name>ResendDialog</name>
        <message>
            <location filename="../../mailapp/ui/mailings/resend_dialog.py" line="+64" />
            <source>Send to those not reached</source>
            <extracomment>(int) the follow-up draft was made.</extracomment>
            <translation>Отправить не получившим</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Reading the recipients…</source>
            <translation>Загрузка получателей…</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Unconfirmed recipients may have got the email already: the connection was lost after it was handed over. They may get a second copy.</source>
            <translation>Неподтверждённые получатели могли уже получить письмо: связь прервалась после его передачи. Они могут получить его второй раз.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Make the draft</source>
            <translation>Создать черновик</translation>
        </message>
        <message>
            <location line="+28" />
            <source>A draft copy of “{name}” for the recipients it did not reach. You can change its text before you start it; nobody who got the email gets it again. Send it to the recipients with these responses:</source>
            <translation>Черновик-копия рассылки «{name}» для получателей, до которых она не дошла. Перед запуском текст можно изменить; тем, кто уже получил письмо, оно не придёт снова. Отправить получателям с такими ответами:</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{response}: {count} (can be sent to: {reachable})</source>
            <translation>{response}: {count} (можно отправить: {reachable})</translation>
        </message>
        <message>
            <location line="+8" />
            <source>{response}: {count}</source>
            <translation>{response}: {count}</translation>
        </message>
        <message>
            <location line="+46" />
            <source> (resend)</source>
            <translation> (повтор)</translation>
        </message>
        <message>
            <location line="+0" />
            <source> (resend {n})</source>
            <translation> (повтор {n})</translation>
        </message>
        <message numerus="yes">
            <source>The draft will have up to %n recipient(s).</source>
            <translation>
                <numerusform>В черновике будет до %n получателя.</numerusform>
                <numerusform>В черновике будет до %n получателей.</numerusform>
                <numerusform>В черновике будет до %n получателей.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>The draft is for the %n recipient(s) you chose.</source>
            <translation>
                <numerusform>Черновик — для %n выбранного получателя.</numerusform>
                <numerusform>Черновик — для %n выбранных получателей.</numerusform>
                <numerusform>Черновик — для %n выбранных получателей.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ResultPage</name>
        <message>
            <location filename="../../mailapp/ui/contacts/import_wizard.py" line="+347" />
            <source>Result</source>
            <translation>Результат</translation>
        </message>
        <message>
            <location line="+15" />
            <source>The import was cancelled; nothing was changed.</source>
            <translation>Импорт отменен; ничего не изменено.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The import failed; nothing was changed.</source>
            <translation>Импорт не удался; ничего не изменено.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>New contacts: {n}</source>
            <translation>Новых контактов: {n}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Updated contacts: {n}</source>
            <translation>Обновлено контактов: {n}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Existing contacts skipped: {n}</source>
            <translation>Пропущено существующих контактов: {n}</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Invalid addresses: {n}</source>
            <translation>Неверных адресов: {n}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Repeated rows skipped: {n}</source>
            <translation>Пропущено повторов: {n}</translation>
        </message>
    </context>
    <context>
        <name>ScheduleDialog</name>
        <message>
            <location filename="../../mailapp/ui/mailings/schedule_dialog.py" line="+41" />
            <location line="+13" />
            <source>Schedule sending</source>
            <translation>Запланировать отправку</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Start sending at:</source>
            <translation>Начать отправку в:</translation>
        </message>
    </context>
    <context>
        <name>SendingTab</name>
        <message>
            <location filename="../../mailapp/ui/settings/sending_tab.py" line="+33" />
            <source>Delay before sending starts, seconds:</source>
            <translation>Задержка перед началом отправки, секунд:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Send one email per address (later duplicates are cancelled)</source>
            <translation>Отправлять одно письмо на адрес (дубли отменяются)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>At most emails a second (0 = no limit):</source>
            <translation>Не больше писем в секунду (0 — без ограничения):</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Parallel connections:</source>
            <translation>Параллельных соединений:</translation>
        </message>
        <message>
            <location line="-7" />
            <source>Sending</source>
            <translation>Отправка</translation>
        </message>
        <message>
            <location line="+21" />
            <source>With no delay a started mailing begins sending at once: it cannot be paused, only stopped.</source>
            <translation>Без задержки запущенная рассылка сразу начинает отправку: её нельзя приостановить, только остановить.</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <location filename="../../mailapp/ui/settings/dialog.py" line="+62" />
            <source>Settings</source>
            <extracomment>The tabs, in the order shown.</extracomment>
            <translation>Настройки</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/settings/fields.py" line="+91" />
            <source>Enter a whole number.</source>
            <extracomment>The narrowest a text field gets, so that its messages fit in their two lines.</extracomment>
            <translation>Введите целое число.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Must be at least {n}.</source>
            <translation>Должно быть не меньше {n}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Must be at most {n}.</source>
            <translation>Должно быть не больше {n}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Line breaks are not allowed here.</source>
            <translation>Переводы строк здесь недопустимы.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Start the link with https://, http:// or mailto:, or leave it empty.</source>
            <translation>Ссылка должна начинаться с https://, http:// или mailto: — или оставьте поле пустым.</translation>
        </message>
        <message numerus="yes">
            <location line="+6" />
            <source>The link is longer than %n character(s).</source>
            <translation>
                <numerusform>Ссылка длиннее %n символа.</numerusform>
                <numerusform>Ссылка длиннее %n символов.</numerusform>
                <numerusform>Ссылка длиннее %n символов.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+3" />
            <source>No spaces, angle brackets or non-Latin letters in a link; percent-encode them.</source>
            <translation>В ссылке не должно быть пробелов, угловых скобок и нелатинских букв; закодируйте их в виде %XX.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Write imaps://USER@HOST/FOLDER or imap://USER@HOST/FOLDER; the password has a field of its own.</source>
            <translation>Укажите imaps://ПОЛЬЗОВАТЕЛЬ@СЕРВЕР/ПАПКА или imap://ПОЛЬЗОВАТЕЛЬ@СЕРВЕР/ПАПКА; для пароля есть отдельное поле.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/settings/dialog.py" line="+88" />
            <location line="+35" />
            <source>Correct the values marked in red; nothing was saved.</source>
            <extracomment>Every text field and its message, by setting code, whatever its tab.</extracomment>
            <translation>Исправьте значения, отмеченные красным; ничего не сохранено.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Nothing was saved: {error}</source>
            <translation>Ничего не сохранено: {error}</translation>
        </message>
        <message numerus="yes">
            <source>A plain Latin address without “+”, at most %n character(s) before the @.</source>
            <translation>
                <numerusform>Простой латинский адрес без «+», не длиннее %n символа до @.</numerusform>
                <numerusform>Простой латинский адрес без «+», не длиннее %n символов до @.</numerusform>
                <numerusform>Простой латинский адрес без «+», не длиннее %n символов до @.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SubscriptionDialog</name>
        <message>
            <location filename="../../mailapp/ui/contacts/selection_dialogs.py" line="-63" />
            <source>Unsubscribe contacts</source>
            <translation>Отписать контакты</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Unsubscribe %n contact(s)?</source>
            <translation>
                <numerusform>Отписать %n контакт?</numerusform>
                <numerusform>Отписать %n контакта?</numerusform>
                <numerusform>Отписать %n контактов?</numerusform>
            </translation>
        </message>
        <message>
            <location line="+3" />
            <source>Mailings and campaigns started from now on leave them out (“{response}”). Recipients already created in mailings keep their response. An import never subscribes them again.</source>
            <translation>Рассылки и кампании, запущенные с этого момента, будут их пропускать (отклик «{response}»). Получатели, уже созданные в рассылках, сохраняют свой отклик. Импорт никогда не подписывает их снова.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Unsubscribe</source>
            <translation>Отписать</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Subscribe contacts again</source>
            <translation>Снова подписать контакты</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Subscribe %n contact(s) again?</source>
            <translation>
                <numerusform>Снова подписать %n контакт?</numerusform>
                <numerusform>Снова подписать %n контакта?</numerusform>
                <numerusform>Снова подписать %n контактов?</numerusform>
            </translation>
        </message>
        <message>
            <location line="+3" />
            <source>Only do this when they asked for it: mailings and campaigns started from now on send to them again.</source>
            <translation>Делайте это, только если они сами об этом попросили: рассылки и кампании, запущенные с этого момента, снова будут им отправлять письма.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Subscribe again</source>
            <translation>Подписать снова</translation>
        </message>
    </context>
    <context>
        <name>SummaryPage</name>
        <message>
            <location filename="../../mailapp/ui/contacts/import_wizard.py" line="-291" />
            <source>Check</source>
            <translation>Проверка</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Import</source>
            <translation>Импорт</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Update existing contacts</source>
            <translation>Обновить существующие контакты</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The file's non-empty names and custom fields replace the stored ones, and the contacts join the chosen folder.</source>
            <translation>Непустые имена и дополнительные поля из файла заменят сохраненные, а контакты будут добавлены в выбранную папку.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Skip existing contacts</source>
            <translation>Пропустить существующие контакты</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Contacts already stored stay exactly as they are: names, custom fields and folders. Only new addresses are imported.</source>
            <translation>Уже сохраненные контакты останутся в точности как были: имена, дополнительные поля и папки. Импортируются только новые адреса.</translation>
        </message>
        <message>
            <location line="+41" />
            <source>Checking the file…</source>
            <translation>Проверка файла…</translation>
        </message>
        <message>
            <location line="+38" />
            <source>Existing contacts the file will update: {n}</source>
            <translation>Будет обновлено существующих контактов: {n}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Their first and last names and custom fields take the file's non-empty values (an empty cell keeps the stored value), and they join the folder. Nobody who unsubscribed is subscribed again.</source>
            <translation>Их имена, фамилии и дополнительные поля получат непустые значения из файла (пустая ячейка оставляет сохраненное значение), а сами контакты будут добавлены в папку. Отписавшиеся снова подписаны не будут.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Existing contacts that will be skipped: {n}</source>
            <translation>Будет пропущено существующих контактов: {n}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>They stay exactly as they are: names, custom fields and folders. Only new addresses are imported.</source>
            <translation>Они останутся в точности как были: имена, дополнительные поля и папки. Импортируются только новые адреса.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Valid addresses: {n}</source>
            <translation>Верных адресов: {n}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>New contacts to add: {n}</source>
            <translation>Будет добавлено новых контактов: {n}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Invalid or missing addresses: {n}</source>
            <translation>Неверных или отсутствующих адресов: {n}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Repeated addresses (skipped): {n}</source>
            <translation>Повторяющихся адресов (пропущено): {n}</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Folder: {name}</source>
            <translation>Папка: {name}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Folder: none (the contacts go to “All contacts” only)</source>
            <translation>Папка: нет (контакты попадут только в «Все контакты»)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Rows with an invalid or missing address are not imported; each is listed below with its line number and the reason.</source>
            <translation>Строки с неверным адресом или без адреса не импортируются; каждая из них указана ниже с номером строки и причиной.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Click Import to go on.</source>
            <translation>Нажмите «Импорт», чтобы продолжить.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>This file cannot be imported. Nothing was imported.</source>
            <translation>Этот файл нельзя импортировать. Ничего не импортировано.</translation>
        </message>
    </context>
    <context>
        <name>TestEmailDialog</name>
        <message>
            <location filename="../../mailapp/ui/mailings/test_email_dialog.py" line="+48" />
            <source>Send test email</source>
            <translation>Тестовое письмо</translation>
        </message>
        <message>
            <location line="+2" />
            <source>you@example.com</source>
            <translation>you@example.com</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Send</source>
            <translation>Отправить</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Send to:</source>
            <translation>Кому:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The saved version of the mailing is sent, personalised for the first contact of its audience. It is not counted as a recipient.</source>
            <translation>Отправляется сохранённая версия рассылки, персонализированная для первого контакта аудитории. Получателем рассылки адрес не становится.</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Sending…</source>
            <translation>Отправка…</translation>
        </message>
        <message>
            <location line="+10" />
            <source>The test email was handed over. Message-ID: {id}</source>
            <translation>Тестовое письмо передано провайдеру. Message-ID: {id}</translation>
        </message>
    </context>
    <context>
        <name>analytics</name>
        <message>
            <location filename="../../mailapp/ui/mailings/analytics_series.py" line="+56" />
            <source>Handed over per day</source>
            <extracomment>Times a clock reader calls round, for the labels under the axis. Label steps in bars that fall on round times of a clock.</extracomment>
            <translation>Передано в день</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Handed over per %n days</source>
            <translation>
                <numerusform>Передано за каждый %n день</numerusform>
                <numerusform>Передано за каждые %n дня</numerusform>
                <numerusform>Передано за каждые %n дней</numerusform>
            </translation>
        </message>
        <message>
            <location line="+4" />
            <source>Handed over per hour</source>
            <translation>Передано в час</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Handed over per %n hours</source>
            <translation>
                <numerusform>Передано за каждый %n час</numerusform>
                <numerusform>Передано за каждые %n часа</numerusform>
                <numerusform>Передано за каждые %n часов</numerusform>
            </translation>
        </message>
        <message>
            <location line="+4" />
            <source>Handed over per minute</source>
            <translation>Передано в минуту</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Handed over per %n minutes</source>
            <translation>
                <numerusform>Передано за каждую %n минуту</numerusform>
                <numerusform>Передано за каждые %n минуты</numerusform>
                <numerusform>Передано за каждые %n минут</numerusform>
            </translation>
        </message>
        <message>
            <location line="+4" />
            <source>Handed over per second</source>
            <translation>Передано в секунду</translation>
        </message>
        <message numerus="yes">
            <location line="+1" />
            <source>Handed over per %n seconds</source>
            <translation>
                <numerusform>Передано за каждую %n секунду</numerusform>
                <numerusform>Передано за каждые %n секунды</numerusform>
                <numerusform>Передано за каждые %n секунд</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+56" />
            <source>%Ln message(s) handed over</source>
            <translation>
                <numerusform>Передано %Ln письмо</numerusform>
                <numerusform>Передано %Ln письма</numerusform>
                <numerusform>Передано %Ln писем</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>app</name>
        <message>
            <location filename="../../mailapp/ui/app.py" line="+113" />
            <location line="+56" />
            <source>mailapp</source>
            <translation>mailapp</translation>
        </message>
        <message>
            <location line="-54" />
            <source>Finishing… Changes being saved are completed.</source>
            <translation>Завершение… Изменения, которые сохраняются сейчас, будут сохранены.</translation>
        </message>
        <message>
            <location line="+55" />
            <source>The database cannot be opened.</source>
            <translation>Не удается открыть базу данных.</translation>
        </message>
    </context>
    <context>
        <name>campaign_diagram</name>
        <message>
            <location filename="../../mailapp/ui/campaigns/flow_model.py" line="+34" />
            <source>{n} d</source>
            <translation>{n} д</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{n} h</source>
            <translation>{n} ч</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{n} min</source>
            <translation>{n} мин</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+13" />
            <source>{n} s</source>
            <translation>{n} с</translation>
        </message>
        <message>
            <location line="+86" />
            <source>Audience: folder</source>
            <extracomment>The participants line ("12 reached · 3 now"); empty for a flow not yet saved. One condition per line (response names, "after 2 h"). The implicit way out: responses no transition names. Wait steps: the index of the next step, None for the exit. (reached ever, at the step now); None before the campaign is saved.</extracomment>
            <translation>Аудитория: папка</translation>
        </message>
        <message>
            <location line="+1" />
            <source>(no folder chosen)</source>
            <translation>(папка не выбрана)</translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>%n participant(s) entered</source>
            <translation>
                <numerusform>вошёл %n участник</numerusform>
                <numerusform>вошли %n участника</numerusform>
                <numerusform>вошли %n участников</numerusform>
            </translation>
        </message>
        <message>
            <location line="+8" />
            <source>{reached} reached · {now} now</source>
            <translation>дошли {reached} · сейчас {now}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{n}. Email</source>
            <translation>{n}. Письмо</translation>
        </message>
        <message>
            <location line="+1" />
            <source>(no mailing chosen)</source>
            <translation>(рассылка не выбрана)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{n}. Wait</source>
            <translation>{n}. Ожидание</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Exit</source>
            <translation>Выход</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Participants leave the flow</source>
            <translation>Участники выходят из кампании</translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>%n participant(s) left</source>
            <translation>
                <numerusform>вышел %n участник</numerusform>
                <numerusform>вышли %n участника</numerusform>
                <numerusform>вышли %n участников</numerusform>
            </translation>
        </message>
        <message>
            <location line="+17" />
            <source>new contacts</source>
            <translation>новые контакты</translation>
        </message>
        <message>
            <location line="+18" />
            <source>after {duration}</source>
            <translation>через {duration}</translation>
        </message>
        <message>
            <location line="+16" />
            <source>any other response</source>
            <translation>прочие отклики</translation>
        </message>
    </context>
    <context>
        <name>campaign_editor</name>
        <message>
            <location filename="../../mailapp/ui/campaigns/flow_problems.py" line="-109" />
            <source>The campaign has no audience source: choose the folder its participants come from.</source>
            <translation>У кампании нет источника аудитории: выберите папку, из которой приходят участники.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The flow has no steps: add an email step.</source>
            <translation>В схеме нет шагов: добавьте шаг-письмо.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The folder “{folder}” no longer exists.</source>
            <translation>Папки «{folder}» больше нет.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The run interval must be between {low} and {high} seconds.</source>
            <translation>Интервал запуска должен быть от {low} до {high} секунд.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A mailing of the flow no longer exists.</source>
            <translation>Одной из рассылок схемы больше нет.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>An email step needs a trigger mailing, not a bulk mailing.</source>
            <translation>Для шага-письма нужна триггерная рассылка, а не массовая.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A mailing of the flow is completed and takes no new recipients.</source>
            <translation>Одна из рассылок схемы завершена и не принимает новых получателей.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>An email step has no mailing.</source>
            <translation>У шага-письма нет рассылки.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The response “{response}” of one email step leads to two different places.</source>
            <translation>Отклик «{response}» одного шага-письма ведёт в два разных места.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The flow loops without a wait: an email would follow an email with no pause. Add a wait step to the loop.</source>
            <translation>Схема зацикливается без ожидания: письма шли бы одно за другим без паузы. Добавьте в цикл шаг ожидания.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Only a draft campaign can change its flow; this one is “{state}”.</source>
            <translation>Схему можно менять только у черновика; эта кампания в состоянии «{state}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The campaign is already running.</source>
            <translation>Кампания уже запущена.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The campaign is “{state}” and can never be started again.</source>
            <translation>Кампания в состоянии «{state}» и больше не может быть запущена.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The campaign is already stopping; stop it at once to let the remaining participants leave the flow now.</source>
            <translation>Кампания уже останавливается; остановите её сразу, чтобы оставшиеся участники вышли сейчас.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The campaign has not been started.</source>
            <translation>Кампания ещё не запущена.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The campaign no longer exists.</source>
            <translation>Кампании больше нет.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/campaigns/flow_rows.py" line="+96" />
            <source>Choose responses…</source>
            <extracomment>Item data of a target combo: the key of a step row, or EXIT. Wait units offered, seconds. The response picker's natural width; it grows with the row. () the chosen responses changed.</extracomment>
            <translation>Выберите отклики…</translation>
        </message>
        <message>
            <location line="+88" />
            <source>seconds</source>
            <extracomment>() anything in the row changed. (StepRow, int) move by -1 (up) or +1 (down). (StepRow) remove me.</extracomment>
            <translation>секунд</translation>
        </message>
        <message>
            <location line="+1" />
            <source>minutes</source>
            <translation>минут</translation>
        </message>
        <message>
            <location line="+1" />
            <source>hours</source>
            <translation>часов</translation>
        </message>
        <message>
            <location line="+1" />
            <source>days</source>
            <translation>дней</translation>
        </message>
        <message>
            <location line="+4" />
            <source>then</source>
            <translation>затем</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move the step up</source>
            <translation>Переместить шаг выше</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move the step down</source>
            <translation>Переместить шаг ниже</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Remove the step</source>
            <translation>Удалить шаг</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{n}. Email:</source>
            <translation>{n}. Письмо:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{n}. Wait:</source>
            <translation>{n}. Ожидание:</translation>
        </message>
        <message>
            <location line="+70" />
            <source>From step:</source>
            <translation>Из шага:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>When the response is:</source>
            <translation>Если отклик:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Go to:</source>
            <translation>Перейти к:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Remove the transition</source>
            <translation>Удалить переход</translation>
        </message>
    </context>
    <context>
        <name>campaigns_page</name>
        <message>
            <location filename="../../mailapp/ui/campaigns/table.py" line="+87" />
            <source>Name</source>
            <extracomment>The :class:`CampaignInfo` of a row (any column). Campaign badges in the colours of the mailing states that mean the same.</extracomment>
            <translation>Название</translation>
        </message>
        <message>
            <location line="+1" />
            <source>State</source>
            <translation>Состояние</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Participants</source>
            <translation>Участники</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Runs every</source>
            <translation>Запуск каждые</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Last run</source>
            <translation>Последний запуск</translation>
        </message>
        <message>
            <location line="+28" />
            <source>{total} entered, {now} in the flow now</source>
            <translation>вошли {total}, сейчас в кампании {now}</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/campaigns/commands.py" line="+38" />
            <location line="+33" />
            <source>Start campaign</source>
            <translation>Запустить кампанию</translation>
        </message>
        <message>
            <location line="-31" />
            <source>Start the campaign “{name}”?</source>
            <translation>Запустить кампанию «{name}»?</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The contacts of the folder “{folder}” enter the flow, and so does every contact added to it later; the campaign looks for them every {interval}.</source>
            <translation>Контакты папки «{folder}» входят в кампанию, как и все контакты, добавленные в неё позже; кампания проверяет папку каждые {interval}.</translation>
        </message>
        <message numerus="yes">
            <location line="+8" />
            <source>The folder holds %n contact(s) now.</source>
            <translation>
                <numerusform>Сейчас в папке %n контакт.</numerusform>
                <numerusform>Сейчас в папке %n контакта.</numerusform>
                <numerusform>Сейчас в папке %n контактов.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+11" />
            <source>Not active yet: {names}. Their recipients stay planned until they are started; a stopped mailing gives “Stopped (manually)” at once.</source>
            <translation>Ещё не активны: {names}. Их получатели остаются запланированными до запуска рассылки; остановленная рассылка сразу даёт отклик «Остановлен (вручную)».</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Stop campaign at once</source>
            <translation>Остановить кампанию сразу</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Stop the campaign “{name}” at once?</source>
            <translation>Остановить кампанию «{name}» сразу?</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Emails already handed to the trigger mailings stay with them. The campaign can never be started again.</source>
            <translation>Письма, уже переданные в триггерные рассылки, остаются в них. Кампанию больше нельзя будет запустить.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Stop at once</source>
            <translation>Остановить сразу</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+28" />
            <source>Stop campaign</source>
            <translation>Остановить кампанию</translation>
        </message>
        <message>
            <location line="-26" />
            <source>Stop the campaign “{name}”?</source>
            <translation>Остановить кампанию «{name}»?</translation>
        </message>
        <message>
            <location line="+7" />
            <source>No new participants will be added; participants already in the flow finish it.</source>
            <translation>Новые участники добавляться не будут; участники, уже находящиеся в кампании, пройдут её до конца.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The campaign completes when the last one has left, and can never be started again.</source>
            <translation>Кампания завершится, когда выйдет последний из них, и больше не сможет быть запущена.</translation>
        </message>
        <message>
            <location line="+16" />
            <location line="+11" />
            <source>Delete campaign</source>
            <translation>Удалить кампанию</translation>
        </message>
        <message>
            <location line="-9" />
            <source>Delete the draft campaign “{name}”?</source>
            <translation>Удалить черновик кампании «{name}»?</translation>
        </message>
        <message>
            <location line="+5" />
            <source>It has never run; its flow is deleted with it.</source>
            <translation>Кампания ни разу не запускалась; её схема будет удалена вместе с ней.</translation>
        </message>
        <message>
            <location line="+104" />
            <source>The campaign was not changed</source>
            <extracomment>(ConfirmDialog) a confirmation is open. (int campaign id, str "start"/"stop"/"stop_at_once"/"delete") committed. (int campaign id, BaseException) (int campaign id)</extracomment>
            <translation>Кампания не изменена</translation>
        </message>
        <message numerus="yes">
            <location line="+7" />
            <source>%n participant(s) still in the flow leave it now and get no further emails from the campaign.</source>
            <translation>
                <numerusform>%n участник, ещё находящийся в кампании, выйдет из неё сейчас и больше не получит от неё писем.</numerusform>
                <numerusform>%n участника, ещё находящихся в кампании, выйдут из неё сейчас и больше не получат от неё писем.</numerusform>
                <numerusform>%n участников, ещё находящихся в кампании, выйдут из неё сейчас и больше не получат от неё писем.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+5" />
            <source>%n participant(s) are in the flow now.</source>
            <translation>
                <numerusform>Сейчас в кампании %n участник.</numerusform>
                <numerusform>Сейчас в кампании %n участника.</numerusform>
                <numerusform>Сейчас в кампании %n участников.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>confirm</name>
        <message>
            <location filename="../../mailapp/ui/mailings/start_dialog.py" line="+106" />
            <location line="+19" />
            <source>Start sending</source>
            <translation>Начать отправку</translation>
        </message>
        <message>
            <location line="-17" />
            <source>Start sending “{name}”?</source>
            <translation>Начать отправку «{name}»?</translation>
        </message>
        <message>
            <location line="-41" />
            <source>Recipients come from the campaigns that add participants to it.</source>
            <translation>Получателей добавляют кампании, в которых участвует рассылка.</translation>
        </message>
        <message>
            <location line="-79" />
            <source>“{name}”</source>
            <extracomment>Fields named one by one in the list; more are counted in one line.</extracomment>
            <translation>«{name}»</translation>
        </message>
        <message>
            <location line="+3" />
            <source>in the folder {name}</source>
            <translation>в папке {name}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>in the folders {names}</source>
            <translation>в папках {names}</translation>
        </message>
        <message>
            <location line="+57" />
            <source>The email has no unsubscribe link: add {{ unsubscribe_url }} to its body.</source>
            <translation>В письме нет ссылки для отписки: добавьте в текст {{ unsubscribe_url }}.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>The unsubscribe link leads nowhere: set it in Settings → Unsubscribe link.</source>
            <translation>Ссылка для отписки никуда не ведёт: задайте её в «Настройки → Ссылка для отписки».</translation>
        </message>
        <message numerus="yes">
            <location line="+16" />
            <source>The email goes to the %n recipient(s) not reached yet.</source>
            <translation>
                <numerusform>Письмо уйдёт %n получателю, до которого ещё не дошло.</numerusform>
                <numerusform>Письмо уйдёт %n получателям, до которых ещё не дошло.</numerusform>
                <numerusform>Письмо уйдёт %n получателям, до которых ещё не дошло.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>The email goes to %n recipient(s) {where}.</source>
            <translation>
                <numerusform>Письмо уйдёт %n получателю {where}.</numerusform>
                <numerusform>Письмо уйдёт %n получателям {where}.</numerusform>
                <numerusform>Письмо уйдёт %n получателям {where}.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+10" />
            <source>Provider: SMTP server {host} — the email goes to real people.</source>
            <translation>Провайдер: SMTP-сервер {host} — письма получат настоящие люди.</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Check before you start:</source>
            <translation>Проверьте перед запуском:</translation>
        </message>
        <message>
            <location line="-32" />
            <source>Provider: the sandbox (messages stay in the local outbox).</source>
            <translation>Провайдер: песочница (письма остаются в локальной папке исходящих).</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/mailings/confirm.py" line="+54" />
            <location line="+10" />
            <location line="+68" />
            <source>Pause mailing</source>
            <extracomment>What a click on the action button does now (None: nothing can).</extracomment>
            <translation>Приостановить рассылку</translation>
        </message>
        <message>
            <location line="-77" />
            <source>Pause “{name}”?</source>
            <translation>Приостановить «{name}»?</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Sending has not begun yet, so the mailing will be paused: nothing is sent, and you can change it and start it again later. The countdown waits while this question is open.</source>
            <translation>Отправка ещё не началась, поэтому рассылка будет приостановлена: ничего не отправляется, её можно изменить и запустить снова позже. Пока открыт этот вопрос, обратный отсчёт стоит.</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+45" />
            <location line="+18" />
            <source>Stop mailing</source>
            <translation>Остановить рассылку</translation>
        </message>
        <message>
            <location line="-61" />
            <source>Stop “{name}” for good?</source>
            <translation>Остановить «{name}» окончательно?</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sending has begun. A stopped mailing can never be started again; this cannot be undone.</source>
            <translation>Отправка уже началась. Остановленную рассылку нельзя запустить снова; это действие необратимо.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>Nothing more is sent while this question is open.</source>
            <translation>Пока открыт этот вопрос, больше ничего не отправляется.</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Close</source>
            <translation>Закрыть</translation>
        </message>
        <message>
            <location line="+10" />
            <source>While this question was open the mailing changed: it is now “{state}”, and there is nothing left to stop.</source>
            <translation>Пока был открыт этот вопрос, рассылка изменилась: теперь она в состоянии «{state}», и останавливать больше нечего.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>While this question was open the mailing changed: it is now “{state}”. The numbers above may no longer hold.</source>
            <translation>Пока был открыт этот вопрос, рассылка изменилась: теперь она в состоянии «{state}». Числа выше могут быть уже неточными.</translation>
        </message>
        <message>
            <location line="+50" />
            <location line="+27" />
            <source>Cannot start sending</source>
            <extracomment>(QMessageBox) a confirmation dialog is open. (int mailing id, str "start"/"pause"/"stop") the move committed. (int mailing id, BaseException) the move (or its preview) failed. (int mailing id) the user cancelled.</extracomment>
            <translation>Не удалось начать отправку</translation>
        </message>
        <message>
            <location line="+19" />
            <location line="+63" />
            <location line="+17" />
            <source>Cannot stop sending</source>
            <translation>Не удалось остановить отправку</translation>
        </message>
        <message numerus="yes">
            <source>The email goes to the %n recipient(s) mailing {id} did not reach.</source>
            <translation>
                <numerusform>Письмо получит %n получатель, до которого не дошла рассылка {id}.</numerusform>
                <numerusform>Письмо получат %n получателя, до которых не дошла рассылка {id}.</numerusform>
                <numerusform>Письмо получат %n получателей, до которых не дошла рассылка {id}.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>Sending begins %n second(s) after you confirm; until then Stop sending pauses the mailing.</source>
            <translation>
                <numerusform>Отправка начнется через %n секунду после подтверждения; до этого «Остановить отправку» приостанавливает рассылку.</numerusform>
                <numerusform>Отправка начнется через %n секунды после подтверждения; до этого «Остановить отправку» приостанавливает рассылку.</numerusform>
                <numerusform>Отправка начнется через %n секунд после подтверждения; до этого «Остановить отправку» приостанавливает рассылку.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+5" />
            <source>%n recipient(s) not yet handed to the provider will be stopped.</source>
            <translation>
                <numerusform>Будет остановлен %n получатель, которому письмо ещё не передано провайдеру.</numerusform>
                <numerusform>Будут остановлены %n получателя, которым письмо ещё не передано провайдеру.</numerusform>
                <numerusform>Будут остановлены %n получателей, которым письмо ещё не передано провайдеру.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+6" />
            <source>%n email(s) were already handed to the provider; they are not called back.</source>
            <translation>
                <numerusform>%n письмо уже передано провайдеру; его не отозвать.</numerusform>
                <numerusform>%n письма уже переданы провайдеру; их не отозвать.</numerusform>
                <numerusform>%n писем уже передано провайдеру; их не отозвать.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n email(s) were being handed over at your click; they finish either way.</source>
            <translation>
                <numerusform>%n письмо передавалось провайдеру в момент нажатия; его передача завершится в любом случае.</numerusform>
                <numerusform>%n письма передавались провайдеру в момент нажатия; их передача завершится в любом случае.</numerusform>
                <numerusform>%n писем передавалось провайдеру в момент нажатия; их передача завершится в любом случае.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n recipient(s) have no “{field}”; it will be empty in their email.</source>
            <translation>
                <numerusform>У %n получателя нет поля «{field}»; в письме оно останется пустым.</numerusform>
                <numerusform>У %n получателей нет поля «{field}»; в письмах оно останется пустым.</numerusform>
                <numerusform>У %n получателей нет поля «{field}»; в письмах оно останется пустым.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n more field(s) of the template are missing for some recipients.</source>
            <translation>
                <numerusform>Ещё %n поля шаблона нет у части получателей.</numerusform>
                <numerusform>Ещё %n полей шаблона нет у части получателей.</numerusform>
                <numerusform>Ещё %n полей шаблона нет у части получателей.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n contact(s) with an invalid or missing address will not be sent the email.</source>
            <translation>
                <numerusform>%n контакт с неверным или пустым адресом не получит письмо.</numerusform>
                <numerusform>%n контакта с неверным или пустым адресом не получат письмо.</numerusform>
                <numerusform>%n контактов с неверным или пустым адресом не получат письмо.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n contact(s) unsubscribed and will not be sent the email.</source>
            <translation>
                <numerusform>%n контакт отписался и не получит письмо.</numerusform>
                <numerusform>%n контакта отписались и не получат письмо.</numerusform>
                <numerusform>%n контактов отписались и не получат письмо.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>import_wizard</name>
        <message>
            <location filename="../../mailapp/ui/contacts/import_problems.py" line="+20" />
            <source>Line {line}: no email address. The row is not imported.</source>
            <extracomment>Errors listed on the summary and result pages; the rest are counted.</extracomment>
            <translation>Строка {line}: нет адреса email. Строка не импортируется.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Line {line}: the address is longer than {limit} characters. The row is not imported.</source>
            <translation>Строка {line}: адрес длиннее {limit} символов. Строка не импортируется.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Line {line}: “{address}” contains a line break or a control character. The row is not imported.</source>
            <translation>Строка {line}: «{address}» содержит перенос строки или управляющий символ. Строка не импортируется.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Line {line}: “{address}” is not a valid email address: {reason} The row is not imported.</source>
            <translation>Строка {line}: «{address}» — неверный адрес email: {reason} Строка не импортируется.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Line {line}: {address} repeats line {first}; the row is skipped.</source>
            <translation>Строка {line}: адрес {address} уже есть в строке {first}; строка пропущена.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Line {line}: line breaks or extra length were removed from the name of {address}.</source>
            <translation>Строка {line}: имя контакта {address} очищено от переносов строк или укорочено.</translation>
        </message>
        <message>
            <location line="+19" />
            <source>More rows with problems, not listed here: {n}</source>
            <translation>Ещё строк с проблемами, не показанных здесь: {n}</translation>
        </message>
    </context>
    <context>
        <name>journal_dock</name>
        <message>
            <location filename="../../mailapp/ui/window/journal_dock.py" line="-357" />
            <source>Time</source>
            <extracomment>Rows kept in the dock; older ones drop off (the CLI has the full log). The rows, newest first; a folded row is one entry whose ``count`` is the sum of its batches (its id and time the newest batch's). Mailing id → (first batch's time, id of its folded row, its count) while the mailing's newest event is a batch: the next one joins it. A folded row's id → the time of its first batch (the row's own time is its newest batch's). The mailing column's text as last shown, by mailing id. Everyone who caused a line now in the model.</extracomment>
            <translation>Время</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailing</source>
            <translation>Рассылка</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Event</source>
            <translation>Событие</translation>
        </message>
        <message>
            <location line="+1" />
            <source>By</source>
            <translation>Кто</translation>
        </message>
        <message>
            <location line="+43" />
            <source>{first} – {last}</source>
            <translation>{first} – {last}</translation>
        </message>
    </context>
    <context>
        <name>labels</name>
        <message>
            <location filename="../../mailapp/ui/common/labels.py" line="+34" />
            <location line="+18" />
            <source>Draft</source>
            <translation>Черновик</translation>
        </message>
        <message>
            <location line="-17" />
            <source>Scheduled</source>
            <translation>Запланирована</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Waiting for sending</source>
            <translation>Ожидание отправки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Paused</source>
            <translation>Приостановлена</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Queued</source>
            <translation>В очереди</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sending</source>
            <translation>Идёт отправка</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Active</source>
            <translation>Активна</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+13" />
            <source>Stopping</source>
            <translation>Останавливается</translation>
        </message>
        <message>
            <location line="-12" />
            <location line="+13" />
            <source>Stopped</source>
            <translation>Остановлена</translation>
        </message>
        <message>
            <location line="-12" />
            <location line="+13" />
            <source>Completed</source>
            <translation>Завершена</translation>
        </message>
        <message>
            <location line="-12" />
            <source>Expired</source>
            <translation>Истек срок отправки</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+98" />
            <source>Sending error</source>
            <translation>Ошибка отправки</translation>
        </message>
        <message>
            <location line="-90" />
            <source>Running</source>
            <translation>Запущена</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Trigger</source>
            <translation>Триггерная</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bulk</source>
            <translation>Массовая</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Planned</source>
            <translation>Запланирован</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Being handed to the provider</source>
            <translation>Передаётся провайдеру</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sent</source>
            <translation>Отправлен</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sent, unconfirmed</source>
            <translation>Отправка не подтверждена</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Soft bounce</source>
            <translation>Мягкий отказ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Hard bounce</source>
            <translation>Жёсткий отказ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled (email not provided)</source>
            <translation>Отменён (нет email)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled (invalid email)</source>
            <translation>Отменён (неверный email)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled (duplicate email)</source>
            <translation>Отменён (дубль)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled (unsubscribed)</source>
            <translation>Отменён (отписан)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled (template error)</source>
            <translation>Отменён (ошибка шаблона)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Stopped (manually)</source>
            <translation>Остановлен (вручную)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Stopped (time to send expired)</source>
            <translation>Остановлен (истёк срок)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Unsubscribed</source>
            <translation>Отписался</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled (address bounced before)</source>
            <translation>Отменён (адрес недоступен)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Spam complaint</source>
            <translation>Жалоба на спам</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Planned</source>
            <comment>a count of recipients</comment>
            <translation>Запланировано</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Being handed to the provider</source>
            <comment>a count of recipients</comment>
            <translation>Передаётся провайдеру</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sent</source>
            <comment>a count of recipients</comment>
            <translation>Отправлено</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sent, unconfirmed</source>
            <comment>a count of recipients</comment>
            <translation>Отправка не подтверждена</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Stopped</source>
            <comment>a count of recipients</comment>
            <translation>Остановлено</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled</source>
            <comment>a count of recipients</comment>
            <translation>Отменено</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bounced</source>
            <comment>a count of recipients</comment>
            <translation>Отказы</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Unsubscribed</source>
            <comment>a count of recipients</comment>
            <translation>Отписались</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Spam complaints</source>
            <comment>a count of recipients</comment>
            <translation>Жалобы на спам</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Mailing started</source>
            <translation>Рассылка запущена</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailing scheduled</source>
            <translation>Рассылка запланирована</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+93" />
            <source>Mailing paused</source>
            <translation>Рассылка приостановлена</translation>
        </message>
        <message>
            <location line="-92" />
            <source>Mailing started again</source>
            <translation>Рассылка запущена повторно</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Audience prepared</source>
            <translation>Аудитория подготовлена</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+113" />
            <source>Sending started</source>
            <translation>Отправка началась</translation>
        </message>
        <message>
            <location line="-112" />
            <source>Emails handed to the provider</source>
            <translation>Письма переданы провайдеру</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailing stopping</source>
            <translation>Рассылка останавливается</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mailing stopped manually</source>
            <translation>Рассылка остановлена вручную</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Mailing completed</source>
            <translation>Рассылка завершена</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Time to send expired</source>
            <translation>Истек срок отправки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Provider error</source>
            <translation>Ошибка провайдера</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Participants added</source>
            <translation>Добавлены участники</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sending incident</source>
            <translation>Сбой отправки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Worker restarted</source>
            <translation>Процесс отправки перезапущен</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Contact unsubscribed</source>
            <translation>Контакт отписался</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sent to those not reached</source>
            <translation>Создана повторная рассылка</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Unconfirmed marked as delivered</source>
            <translation>Отправка подтверждена вручную</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Settings changed</source>
            <translation>Настройки изменены</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Contacts imported</source>
            <translation>Контакты импортированы</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Contacts deleted</source>
            <translation>Контакты удалены</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Campaign started</source>
            <translation>Кампания запущена</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Campaign stopped</source>
            <translation>Кампания остановлена</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bounce mailbox read</source>
            <translation>Прочитан ящик возвратов</translation>
        </message>
        <message>
            <location line="+63" />
            <source>Mailing scheduled for {at}</source>
            <translation>Рассылка запланирована на {at}</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Audience prepared: to send {will_send}, invalid {invalid}, duplicates {duplicates}, unsubscribed {unsubscribed}, without email {no_email}, bounced before {bounced}</source>
            <translation>Аудитория подготовлена: к отправке {will_send}, неверных {invalid}, дублей {duplicates}, отписавшихся {unsubscribed}, без email {no_email}, недоступных адресов {bounced}</translation>
        </message>
        <message>
            <location line="+42" />
            <source>Provider error: {error}</source>
            <translation>Ошибка провайдера: {error}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Sending error: {error}</source>
            <translation>Ошибка отправки: {error}</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The sending worker stopped ({reason}) and was started again</source>
            <translation>Процесс отправки остановился ({reason}) и был запущен снова</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{email} unsubscribed through the link in the email</source>
            <translation>Контакт {email} отписался по ссылке из письма</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Settings changed: {codes}</source>
            <translation>Изменены настройки: {codes}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Contacts imported: {imported} new, {updated} updated</source>
            <translation>Импортированы контакты: новых — {imported}, обновлено — {updated}</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Campaign started: {name}</source>
            <translation>Кампания запущена: {name}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Campaign stopped: {name}</source>
            <translation>Кампания остановлена: {name}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Bounce mailbox read: {messages} messages, hard bounces {hard}, soft bounces {soft}, spam complaints {complaints}, unsubscribe requests {unsubscribes}, unmatched {unmatched}, ignored {ignored}</source>
            <translation>Прочитан ящик возвратов: писем {messages}, жёстких отказов {hard}, мягких отказов {soft}, жалоб на спам {complaints}, просьб об отписке {unsubscribes}, не сопоставлено {unmatched}, пропущено {ignored}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Sending incident for {email}: {detail}</source>
            <translation>Сбой отправки для {email}: {detail}</translation>
        </message>
        <message numerus="yes">
            <location line="+36" />
            <source>Mailing started; sending begins in %n second(s)</source>
            <translation>
                <numerusform>Рассылка запущена; отправка начнется через %n секунду</numerusform>
                <numerusform>Рассылка запущена; отправка начнется через %n секунды</numerusform>
                <numerusform>Рассылка запущена; отправка начнется через %n секунд</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+6" />
            <source>Mailing started again; sending begins in %n second(s)</source>
            <translation>
                <numerusform>Рассылка запущена повторно; отправка начнется через %n секунду</numerusform>
                <numerusform>Рассылка запущена повторно; отправка начнется через %n секунды</numerusform>
                <numerusform>Рассылка запущена повторно; отправка начнется через %n секунд</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+14" />
            <source>%n email(s) handed to the provider</source>
            <translation>
                <numerusform>%n письмо передано провайдеру</numerusform>
                <numerusform>%n письма переданы провайдеру</numerusform>
                <numerusform>%n писем передано провайдеру</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>Stopping the mailing: %n recipient(s) not yet handed over</source>
            <translation>
                <numerusform>Рассылка останавливается: %n письмо ещё не передано</numerusform>
                <numerusform>Рассылка останавливается: %n письма ещё не переданы</numerusform>
                <numerusform>Рассылка останавливается: %n писем ещё не передано</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+7" />
            <source>Mailing stopped manually: %n recipient(s) stopped</source>
            <translation>
                <numerusform>Рассылка остановлена вручную: остановлен %n получатель</numerusform>
                <numerusform>Рассылка остановлена вручную: остановлено %n получателя</numerusform>
                <numerusform>Рассылка остановлена вручную: остановлено %n получателей</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+7" />
            <source>Mailing completed: %n sent</source>
            <translation>
                <numerusform>Рассылка завершена: отправлено %n</numerusform>
                <numerusform>Рассылка завершена: отправлено %n</numerusform>
                <numerusform>Рассылка завершена: отправлено %n</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>Time to send expired: %n recipient(s) stopped</source>
            <translation>
                <numerusform>Истек срок отправки: остановлен %n получатель</numerusform>
                <numerusform>Истек срок отправки: остановлено %n получателя</numerusform>
                <numerusform>Истек срок отправки: остановлено %n получателей</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>%n participant(s) added</source>
            <translation>
                <numerusform>Добавлен %n участник</numerusform>
                <numerusform>Добавлено %n участника</numerusform>
                <numerusform>Добавлено %n участников</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Follow-up mailing {follow_up} made for %n recipient(s) not reached</source>
            <translation>
                <numerusform>Создана повторная рассылка {follow_up} для не получивших письмо: %n получатель</numerusform>
                <numerusform>Создана повторная рассылка {follow_up} для не получивших письмо: %n получателя</numerusform>
                <numerusform>Создана повторная рассылка {follow_up} для не получивших письмо: %n получателей</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n unconfirmed recipient(s) marked as delivered</source>
            <translation>
                <numerusform>Отправка подтверждена вручную: %n получатель</numerusform>
                <numerusform>Отправка подтверждена вручную: %n получателя</numerusform>
                <numerusform>Отправка подтверждена вручную: %n получателей</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n contact(s) deleted</source>
            <translation>
                <numerusform>Удалён %n контакт</numerusform>
                <numerusform>Удалено %n контакта</numerusform>
                <numerusform>Удалено %n контактов</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>mailing_table</name>
        <message>
            <location filename="../../mailapp/ui/mailings/table.py" line="+110" />
            <source>{state} — held, waiting for your answer</source>
            <translation>{state} — удержана до вашего ответа</translation>
        </message>
        <message numerus="yes">
            <location filename="../../mailapp/ui/mailing_table.py" line="+111" />
            <source>{state} — starts in %n s</source>
            <extracomment>The :class:`MailingInfo` of a row (any column). A value that sorts well (numbers, timestamps, lower-cased text). ``(handed over, recipients)`` for the progress column. The badge colour (a colour name) of a cell painted by :class:`StateBadgeDelegate` in any model; mailing rows go by their state. Badge colours (background) by state; text is white or dark by contrast.</extracomment>
            <translation>
                <numerusform>{state} — через %n с</numerusform>
                <numerusform>{state} — через %n с</numerusform>
                <numerusform>{state} — через %n с</numerusform>
            </translation>
        </message>
        <message>
            <location line="+24" />
            <source>{state} for {time}</source>
            <translation>{state} на {time}</translation>
        </message>
        <message>
            <location line="+52" />
            <source>Name</source>
            <extracomment>(frozenset[int]) rows of these mailings were updated, inserted or removed.</extracomment>
            <translation>Название</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Kind</source>
            <translation>Тип</translation>
        </message>
        <message>
            <location line="+1" />
            <source>State</source>
            <translation>Состояние</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Progress</source>
            <translation>Прогресс</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Recipients</source>
            <translation>Получатели</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sent</source>
            <translation>Отправлено</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Stopped</source>
            <translation>Остановлено</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Started on</source>
            <translation>Запущена</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Finished on</source>
            <translation>Завершена</translation>
        </message>
        <message>
            <location line="+25" />
            <source>{done} of {total} handed to the provider</source>
            <translation>{done} из {total} передано провайдеру</translation>
        </message>
        <message>
            <location line="+52" />
            <source>{name}
Sent to those “{original}” did not reach</source>
            <translation>{name}
Для тех, до кого не дошла «{original}»</translation>
        </message>
    </context>
    <context>
        <name>refusals</name>
        <message>
            <location filename="../../mailapp/ui/common/refusals.py" line="+40" />
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sender email</source>
            <translation>Адрес отправителя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sender name</source>
            <translation>Имя отправителя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test address</source>
            <translation>Адрес для тестового письма</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Name</source>
            <translation>Название</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Subject</source>
            <translation>Тема</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Folder name</source>
            <translation>Название папки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>First name</source>
            <translation>Имя</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Last name</source>
            <translation>Фамилия</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Delay before sending starts</source>
            <translation>Задержка перед началом отправки</translation>
        </message>
        <message>
            <location line="+3" />
            <source>One email per address</source>
            <translation>Одно письмо на адрес</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mail provider</source>
            <translation>Почтовый провайдер</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SMTP server</source>
            <translation>SMTP-сервер</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SMTP port</source>
            <translation>Порт SMTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SMTP security</source>
            <translation>Защита соединения SMTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SMTP user name</source>
            <translation>Пользователь SMTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Emails a second</source>
            <translation>Писем в секунду</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Parallel connections</source>
            <translation>Параллельные соединения</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Errors in a row before “Sending error”</source>
            <translation>Ошибок подряд до «Ошибки отправки»</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Retries of a temporary failure</source>
            <translation>Повторы при временной ошибке</translation>
        </message>
        <message>
            <location line="+3" />
            <source>First wait before a retry</source>
            <translation>Первая пауза перед повтором</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Unsubscribe link</source>
            <translation>Ссылка для отписки</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Interface language</source>
            <translation>Язык интерфейса</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your name in the log</source>
            <translation>Ваше имя в журнале</translation>
        </message>
        <message>
            <location line="+18" />
            <source>“{value}”</source>
            <comment>a name in a list</comment>
            <translation>«{value}»</translation>
        </message>
        <message>
            <location line="+5" />
            <source>step {n}</source>
            <translation>шаг {n}</translation>
        </message>
        <message>
            <location line="+13" />
            <source>subject</source>
            <comment>template error in the …</comment>
            <translation>теме</translation>
        </message>
        <message>
            <location line="+1" />
            <source>body</source>
            <comment>template error in the …</comment>
            <translation>тексте письма</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Template error in the {part}, line {line}: {error}</source>
            <translation>Ошибка шаблона в {part}, строка {line}: {error}</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Template error in the {part}: {error}</source>
            <translation>Ошибка шаблона в {part}: {error}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Template error, line {line}: {error}</source>
            <translation>Ошибка шаблона, строка {line}: {error}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Template error: {error}</source>
            <translation>Ошибка шаблона: {error}</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The mailing is “{state}” and can never be started again.</source>
            <translation>Рассылка в состоянии «{state}» и больше никогда не может быть запущена.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A mailing in the state “{state}” cannot be started.</source>
            <translation>Рассылку в состоянии «{state}» нельзя запустить.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A mailing in the state “{state}” cannot be stopped.</source>
            <translation>Рассылку в состоянии «{state}» нельзя остановить.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A mailing in the state “{state}” cannot be scheduled.</source>
            <translation>Рассылку в состоянии «{state}» нельзя запланировать.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A mailing in the state “{state}” cannot be changed; pause it first.</source>
            <translation>Рассылку в состоянии «{state}» нельзя изменить; сначала приостановите её.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The mailing has already handed emails to the provider and cannot be changed.</source>
            <translation>Рассылка уже передала письма провайдеру и не может быть изменена.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Only a draft can be deleted.</source>
            <translation>Удалить можно только черновик.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Only a draft can change between bulk and trigger.</source>
            <translation>Сменить тип рассылки (массовая или триггерная) можно только у черновика.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The mailing no longer exists.</source>
            <translation>Рассылки больше нет.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Choose at least one folder of recipients.</source>
            <translation>Выберите хотя бы одну папку получателей.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>A trigger mailing gets its recipients from campaigns and has no folders.</source>
            <translation>У триггерной рассылки нет папок: получателей в неё добавляют кампании.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The mailing's expiration time has already passed.</source>
            <translation>Срок отправки рассылки уже истек.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The start time must be in the future.</source>
            <translation>Время запуска должно быть в будущем.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The expiration time needs a time zone.</source>
            <translation>Для срока отправки нужен часовой пояс.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The start time needs a time zone.</source>
            <translation>Для времени запуска нужен часовой пояс.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The start time is after the expiration time.</source>
            <translation>Время запуска позже срока отправки.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The email body is empty.</source>
            <translation>Текст письма пуст.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The email cannot be built: {error}</source>
            <translation>Не удалось собрать письмо: {error}</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The mailing moved on while the dialog was open; nothing was changed.</source>
            <translation>Пока был открыт диалог, состояние рассылки изменилось; ничего не изменено.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Someone else is stopping this mailing right now; try again in a moment.</source>
            <translation>Эту рассылку сейчас останавливает кто-то другой; попробуйте чуть позже.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>A mailing in the state “{state}” cannot be sent to those it did not reach; only a stopped, expired or completed one can.</source>
            <translation>Рассылку в состоянии «{state}» нельзя отправить тем, кто её не получил: это можно сделать только для остановленной или завершённой рассылки либо для рассылки с истёкшим сроком отправки.</translation>
        </message>
        <message>
            <location line="+5" />
            <location line="+3" />
            <source>Recipients with the response “{response}” are not sent again.</source>
            <translation>Получателям с ответом «{response}» рассылка повторно не отправляется.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Choose at least one response whose recipients to send to.</source>
            <translation>Выберите хотя бы один ответ, получателям с которым нужно отправить письмо.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Mailing {id} of the same chain is “{state}” and can still send; start this one when it has ended.</source>
            <translation>Рассылка {id} из той же цепочки находится в состоянии «{state}» и ещё может отправлять письма; запустите эту, когда та закончится.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>A follow-up is sent to the recipients fixed when it was made; it takes no folders and stays a bulk mailing.</source>
            <translation>Повторная рассылка отправляется получателям, определённым при её создании: папок у неё нет, и она остаётся массовой.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>{setting} must start with https://, http:// or mailto:, not “{value}”; leave it empty for no link.</source>
            <translation>Параметр «{setting}» должен начинаться с https://, http:// или mailto:, а не «{value}»; оставьте его пустым, если ссылка не нужна.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{setting} “{value}” must be a link without spaces, angle brackets or non-ASCII characters; percent-encode them.</source>
            <translation>Параметр «{setting}» («{value}») должен быть ссылкой без пробелов, угловых скобок и символов не из ASCII; закодируйте их через %.</translation>
        </message>
        <message>
            <location line="+9" />
            <location line="+1" />
            <source>{field} is empty.</source>
            <translation>Поле «{field}» не заполнено.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{field} cannot contain line breaks.</source>
            <translation>Поле «{field}» не может содержать переносы строк.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{field} “{value}” is not valid: {reason}</source>
            <translation>Поле «{field}»: «{value}» — неверный адрес электронной почты.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{setting} takes a whole number, not “{value}”.</source>
            <translation>«{setting}»: нужно целое число, а не «{value}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{setting} must be at least {minimum}.</source>
            <translation>«{setting}»: значение должно быть не меньше {minimum}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{setting} must be at most {maximum}.</source>
            <translation>«{setting}»: значение должно быть не больше {maximum}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{setting} takes true or false, not “{value}”.</source>
            <translation>«{setting}»: нужно true или false, а не «{value}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{setting} takes one of {choices}, not “{value}”.</source>
            <translation>«{setting}»: допустимые значения — {choices}, а не «{value}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{setting}: at most {limit} characters.</source>
            <translation>{setting}: не больше {limit} символов.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>{setting} cannot contain line breaks.</source>
            <translation>«{setting}»: переносы строк не допускаются.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no setting “{code}”; known settings: {known}.</source>
            <translation>Настройки «{code}» нет; известные настройки: {known}.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>No contact with the id {ids}; nothing was changed.</source>
            <translation>Нет контакта с id {ids}; ничего не изменено.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>“{value}” is not a contact id.</source>
            <translation>«{value}» — не id контакта.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A contact with the address {email} already exists (id {id}).</source>
            <translation>Контакт с адресом {email} уже есть (id {id}).</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A custom field needs a name.</source>
            <translation>У дополнительного поля должно быть название.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>“{name}” is not a custom field; use the contact's own {field}.</source>
            <translation>«{name}» — не дополнительное поле; используйте собственное поле контакта «{field}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Two custom fields are both named “{field}”.</source>
            <translation>Два дополнительных поля называются одинаково: «{field}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The custom field “{field}” takes text or a number.</source>
            <translation>Дополнительное поле «{field}» принимает только текст или число.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no folder “{folder}”.</source>
            <translation>Папки «{folder}» нет.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A folder named “{folder}” already exists.</source>
            <translation>Папка «{folder}» уже есть.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The folder “{folder}” is used by the mailing “{mailing}”; remove it from the mailing first.</source>
            <translation>Папка «{folder}» используется в рассылке «{mailing}»; сначала уберите её из рассылки.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Contacts were added by someone else during the import; nothing was imported, run the import again.</source>
            <translation>Пока шел импорт, контакты добавил кто-то другой; ничего не импортировано, запустите импорт ещё раз.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The import was cancelled; nothing was changed.</source>
            <translation>Импорт отменен; ничего не изменено.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The process reading the file stopped (exit code {exit_code}) before the end of the file; nothing was imported. Run the import again.</source>
            <translation>Процесс, читавший файл, остановился (код выхода {exit_code}), не дочитав файл; ничего не импортировано. Запустите импорт ещё раз.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>“{file}” is not a file.</source>
            <translation>«{file}» — не файл.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The file “{file}” does not exist.</source>
            <translation>Файла «{file}» не существует.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Cannot read “{file}”: {reason}</source>
            <translation>Не удалось прочитать «{file}»: {reason}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The file has no header row.</source>
            <translation>В файле нет строки заголовков.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The file is empty.</source>
            <translation>Файл пуст.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The file is larger than {limit_mb} MB; split it into parts.</source>
            <translation>Файл больше {limit_mb} МБ; разделите его на части.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>This looks like an Excel workbook, not a CSV file; save it as CSV (UTF-8) first.</source>
            <translation>Похоже, это книга Excel, а не CSV-файл; сначала сохраните её как CSV (UTF-8).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The file is not a text file (CSV expected).</source>
            <translation>Это не текстовый файл (нужен CSV).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The file is not valid {encoding} text.</source>
            <translation>Файл не читается как текст в кодировке {encoding}.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8.</source>
            <translation>Файл не в кодировке UTF-8; сохраните его из таблицы в формате «CSV UTF-8».</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The file has no “email” column (columns found: {columns}); the first line must be a header naming the columns.</source>
            <translation>В файле нет столбца «email» (найдены столбцы: {columns}); первая строка должна быть заголовком с названиями столбцов.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The columns “{first}” and “{second}” both mean “{column}”; rename or remove one of them.</source>
            <translation>Столбцы «{first}» и «{second}» оба означают «{column}»; переименуйте или удалите один из них.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Line {line}: the file cannot be read as CSV (a quote is not closed or is followed by other characters); nothing was imported.</source>
            <translation>Строка {line}: файл не читается как CSV (кавычка не закрыта или после неё идут другие символы); ничего не импортировано.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Line {line}: the file cannot be read as CSV ({reason}); nothing was imported.</source>
            <translation>Строка {line}: файл не читается как CSV ({reason}); ничего не импортировано.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>The file has a header but no contacts.</source>
            <translation>В файле есть заголовок, но нет контактов.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/common/campaign_refusals.py" line="+16" />
            <source>The wait at step {source} leads to step {step}, which does not exist.</source>
            <translation>Ожидание на шаге {source} ведёт к шагу {step}, которого нет.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>A transition from step {source} leads to step {step}, which does not exist.</source>
            <translation>Переход от шага {source} ведёт к шагу {step}, которого нет.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>A transition starts at step {step}, which does not exist.</source>
            <translation>Переход начинается с шага {step}, которого нет.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The campaign no longer exists.</source>
            <translation>Кампании больше нет.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The campaign is already running.</source>
            <translation>Кампания уже запущена.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The campaign is already “{state}”.</source>
            <translation>Кампания уже в состоянии «{state}».</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The campaign is “{state}” and can never be started again.</source>
            <translation>Кампания в состоянии «{state}» и больше не может быть запущена.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The campaign is already stopping; stop it at once to let the remaining participants leave the flow now.</source>
            <translation>Кампания уже останавливается; остановите её сразу, чтобы оставшиеся участники вышли сейчас.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The campaign has not been started.</source>
            <translation>Кампания ещё не запущена.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Only a draft campaign can change its flow; this one is “{state}”.</source>
            <translation>Схему можно менять только у черновика; эта кампания в состоянии «{state}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The run interval must be between {minimum} and {maximum} seconds, not {seconds}.</source>
            <translation>Интервал запуска должен быть от {minimum} до {maximum} секунд, а не {seconds}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The campaign has no audience source: choose the folder its participants come from.</source>
            <translation>У кампании нет источника аудитории: выберите папку, из которой приходят участники.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The flow has no steps: add an email step.</source>
            <translation>В схеме нет шагов: добавьте шаг-письмо.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>“{response}” is not a response code (known: {known}).</source>
            <translation>«{response}» — не код отклика (известные: {known}).</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A transition waits for a final response; “{response}” is not final.</source>
            <translation>Переход ждёт окончательного отклика, а «{response}» — не окончательный.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A transition needs at least one response.</source>
            <translation>Для перехода нужен хотя бы один отклик.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Transitions start at email steps; step {step} is a wait.</source>
            <translation>Переходы начинаются с шагов-писем, а шаг {step} — ожидание.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The response “{response}” of step {step} leads to two different places.</source>
            <translation>Отклик «{response}» шага {step} ведёт в два разных места.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The email at step {step} goes on by transitions, not by a next step.</source>
            <translation>Письмо на шаге {step} продолжается переходами, а не следующим шагом.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The flow loops without a wait ({steps}): add a wait step to the loop.</source>
            <translation>Схема зацикливается без ожидания ({steps}): добавьте в цикл шаг ожидания.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The email at step {step} has no mailing.</source>
            <translation>У письма на шаге {step} не выбрана рассылка.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>An email step's mailing was deleted.</source>
            <translation>Рассылка одного из шагов-писем удалена.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The email at step {step} names mailing {mailing_id}, which does not exist.</source>
            <translation>Письмо на шаге {step} ссылается на рассылку {mailing_id}, которой нет.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The mailing “{mailing}” (step {step}) is a bulk mailing; an email step of a campaign needs a trigger mailing.</source>
            <translation>Рассылка «{mailing}» (шаг {step}) массовая, а шагу-письму кампании нужна триггерная.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The mailing “{mailing}” (step {step}) is completed and takes no new recipients.</source>
            <translation>Рассылка «{mailing}» (шаг {step}) завершена и не принимает новых получателей.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/common/refusals.py" line="+29" />
            <source>none</source>
            <comment>no columns found</comment>
            <translation>нет</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/common/dkim_refusals.py" line="+14" />
            <source>“{value}” is not a valid DNS name (letters, digits and hyphens, in parts separated by dots).</source>
            <translation>«{value}» — недопустимое имя DNS (латинские буквы, цифры и дефисы, части разделяются точками).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The DKIM key file {path} does not exist.</source>
            <translation>Файла ключа DKIM {path} не существует.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The DKIM key file {path} cannot be read: {reason}.</source>
            <translation>Файл ключа DKIM {path} не читается: {reason}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The file {path} does not hold a private key in PEM format.</source>
            <translation>В файле {path} нет закрытого ключа в формате PEM.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The DKIM key in {path} is protected by a password; store it without one.</source>
            <translation>Ключ DKIM в {path} защищён паролем; сохраните его без пароля.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The DKIM key in {path} is not an RSA key.</source>
            <translation>Ключ DKIM в {path} — не ключ RSA.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The DKIM key in {path} has {bits} bits; at least {minimum} are needed.</source>
            <translation>Длина ключа DKIM в {path} — {bits} бит; нужно не меньше {minimum}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>A DKIM key for this selector exists already ({path}); choose another selector.</source>
            <translation>Ключ DKIM для этого селектора уже есть ({path}); выберите другой селектор.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>DKIM has a domain but no selector.</source>
            <translation>Для DKIM указан домен, но не указан селектор.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>DKIM has a domain but no key file.</source>
            <translation>Для DKIM указан домен, но не указан файл ключа.</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/common/bounce_refusals.py" line="+13" />
            <source>The mail server's certificate cannot be trusted ({detail}); the password was not sent.</source>
            <translation>Сертификату почтового сервера нельзя доверять ({detail}); пароль не отправлен.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The secure connection to the mail server failed: {detail}.</source>
            <translation>Не удалось установить защищённое соединение с почтовым сервером: {detail}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Cannot connect to the mail server: {detail}.</source>
            <translation>Не удаётся подключиться к почтовому серверу: {detail}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The mail server refused the user name or the password.</source>
            <translation>Почтовый сервер не принял имя пользователя или пароль.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The bounce mailbox has no folder “{detail}”.</source>
            <translation>В ящике возвратов нет папки «{detail}».</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The mail server cannot move messages (neither MOVE nor UIDPLUS); mailapp deletes nothing, so it cannot read this mailbox.</source>
            <translation>Почтовый сервер не умеет перемещать письма (нет ни MOVE, ни UIDPLUS); mailapp ничего не удаляет, поэтому читать этот ящик не может.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>The mail server answered: {detail}</source>
            <translation>Ответ почтового сервера: {detail}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The folder {path} is no Maildir: it needs cur, new and tmp inside.</source>
            <translation>Папка {path} — не Maildir: в ней должны быть cur, new и tmp.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{path} cannot be read.</source>
            <translation>Не удаётся прочитать {path}.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>There is no file or folder {path}.</source>
            <translation>Файла или папки {path} нет.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Enter the bounce mailbox first.</source>
            <translation>Сначала укажите ящик возвратов.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>No password is saved for {user} at {host}: enter it.</source>
            <translation>Пароль для {user} на {host} не сохранён: введите его.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{setting} “{value}” is not a mailbox link: write imaps://USER@HOST/FOLDER or imap://USER@HOST/FOLDER, without the password.</source>
            <translation>{setting} «{value}» — не ссылка на ящик: укажите imaps://ПОЛЬЗОВАТЕЛЬ@СЕРВЕР/ПАПКА или imap://ПОЛЬЗОВАТЕЛЬ@СЕРВЕР/ПАПКА, без пароля.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>The system keyring cannot be used: {detail}</source>
            <translation>Системное хранилище паролей недоступно: {detail}</translation>
        </message>
        <message numerus="yes">
            <source> and %n more</source>
            <translation>
                <numerusform> и ещё %n</numerusform>
                <numerusform> и ещё %n</numerusform>
                <numerusform> и ещё %n</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>No recipient can be sent this mailing: all %n contact(s) in its folders are invalid, duplicates, unsubscribed or without an address.</source>
            <translation>
                <numerusform>Рассылку некому отправить: %n контакт в её папках — с неверным адресом, дубликат, отписался или без адреса.</numerusform>
                <numerusform>Рассылку некому отправить: все %n контакта в её папках — с неверными адресами, дубликаты, отписавшиеся или без адреса.</numerusform>
                <numerusform>Рассылку некому отправить: все %n контактов в её папках — с неверными адресами, дубликаты, отписавшиеся или без адреса.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{field} is longer than %n character(s).</source>
            <translation>
                <numerusform>Поле «{field}» длиннее %n символа.</numerusform>
                <numerusform>Поле «{field}» длиннее %n символов.</numerusform>
                <numerusform>Поле «{field}» длиннее %n символов.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{setting} is longer than %n character(s).</source>
            <translation>
                <numerusform>Параметр «{setting}» длиннее %n символа.</numerusform>
                <numerusform>Параметр «{setting}» длиннее %n символов.</numerusform>
                <numerusform>Параметр «{setting}» длиннее %n символов.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Line {line} has {values} values but the header has %n column(s); check the delimiter and the quotes. Nothing was imported.</source>
            <translation>
                <numerusform>Строка {line}: значений — {values}, а в заголовке %n столбец; проверьте разделитель и кавычки. Ничего не импортировано.</numerusform>
                <numerusform>Строка {line}: значений — {values}, а в заголовке %n столбца; проверьте разделитель и кавычки. Ничего не импортировано.</numerusform>
                <numerusform>Строка {line}: значений — {values}, а в заголовке %n столбцов; проверьте разделитель и кавычки. Ничего не импортировано.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>The wait at step {step} must last between {minimum_seconds} s and %n day(s).</source>
            <translation>
                <numerusform>Ожидание на шаге {step} должно длиться от {minimum_seconds} с до %n дня.</numerusform>
                <numerusform>Ожидание на шаге {step} должно длиться от {minimum_seconds} с до %n дней.</numerusform>
                <numerusform>Ожидание на шаге {step} должно длиться от {minimum_seconds} с до %n дней.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Nobody is left to reach: of the %n recipient(s) chosen, all are unsubscribed, without a valid address, deleted, or reached by a follow-up since.</source>
            <translation>
                <numerusform>Отправлять некому: все выбранные получатели (%n) отписались, не имеют верного адреса, удалены или уже получили письмо через повторную рассылку.</numerusform>
                <numerusform>Отправлять некому: все выбранные получатели (%n) отписались, не имеют верного адреса, удалены или уже получили письмо через повторную рассылку.</numerusform>
                <numerusform>Отправлять некому: все выбранные получатели (%n) отписались, не имеют верного адреса, удалены или уже получили письмо через повторную рассылку.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Nobody can be sent this follow-up any more: its %n recipient(s) were unsubscribed, reached by another mailing of the chain or deleted since.</source>
            <translation>
                <numerusform>Эту повторную рассылку больше некому отправить: все её получатели (%n) с тех пор отписались, получили письмо из другой рассылки цепочки или были удалены.</numerusform>
                <numerusform>Эту повторную рассылку больше некому отправить: все её получатели (%n) с тех пор отписались, получили письмо из другой рассылки цепочки или были удалены.</numerusform>
                <numerusform>Эту повторную рассылку больше некому отправить: все её получатели (%n) с тех пор отписались, получили письмо из другой рассылки цепочки или были удалены.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{setting} must be a plain Latin address without “+”, at most %n character(s) before the @.</source>
            <translation>
                <numerusform>{setting}: нужен простой латинский адрес без «+», не длиннее %n символа до @.</numerusform>
                <numerusform>{setting}: нужен простой латинский адрес без «+», не длиннее %n символов до @.</numerusform>
                <numerusform>{setting}: нужен простой латинский адрес без «+», не длиннее %n символов до @.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>supervisor</name>
        <message>
            <location filename="../../mailapp/ui/common/labels.py" line="-150" />
            <source>killed by signal {n}</source>
            <extracomment>The counts of a ``bounces_processed`` event.</extracomment>
            <translation>завершен сигналом {n}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>exit status {n}</source>
            <translation>код завершения {n}</translation>
        </message>
        <message>
            <location filename="../../mailapp/ui/window/worker_supervisor.py" line="+111" />
            <source>The sending worker stopped ({reason}); starting it again in {s} s…</source>
            <extracomment>Workers this process started and let go (they finish on their own). Longest wait before a worker that keeps dying is started again. A worker that lived this long starts the back-off afresh when it dies. (str) what the status bar should say about sending. (int pid) this window started a worker.</extracomment>
            <translation>Процесс отправки остановился ({reason}); повторный запуск через {s} с…</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Sending is done by the worker {pid} on {host}</source>
            <translation>Отправку выполняет процесс {pid} на {host}</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Sending is done by this window's worker</source>
            <translation>Отправку выполняет процесс, запущенный этим окном</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Cannot start the sending worker: {error}</source>
            <translation>Не удалось запустить процесс отправки: {error}</translation>
        </message>
    </context>
    <context>
        <name>tasks</name>
        <message>
            <location filename="../../mailapp/ui/common/tasks.py" line="+206" />
            <source>Something unexpected went wrong. Nothing else was changed.</source>
            <extracomment>(exception) a task without ``on_failure`` failed. (int) tasks submitted and not yet called back; 0 means idle. internal: a :class:`_Task` back from a worker thread.</extracomment>
            <translation>Произошла непредвиденная ошибка. Больше ничего не изменено.</translation>
        </message>
    </context>
    <context>
        <name>toasts</name>
        <message>
            <location filename="../../mailapp/ui/common/toasts.py" line="+96" />
            <location line="+1" />
            <source>Dismiss</source>
            <translation>Закрыть</translation>
        </message>
        <message>
            <location line="+178" />
            <source>Mailing #{id}</source>
            <extracomment>(Toast) a toast was shown. The journal events that are state changes worth a notification.</extracomment>
            <translation>Рассылка №{id}</translation>
        </message>
        <message>
            <location line="+18" />
            <source>mailapp</source>
            <translation>mailapp</translation>
        </message>
    </context>
</TS>
